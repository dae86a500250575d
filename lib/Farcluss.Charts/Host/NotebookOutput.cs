using System.Reflection;

namespace Farcluss.Charts;

/// <summary>
/// The notebook host's side of <see cref="ILessonOutput"/>: values go to .NET Interactive's own
/// <c>display</c> (so the lesson's registered chart formatter draws charts), lines to the kernel's
/// DisplayedValueProduced/DisplayedValueUpdated events under one id of ours.
/// <para>
/// Why lines do not use <c>display(x).Update(y)</c>: in .NET Interactive 1.0.712001 the value
/// <c>display</c> returns updates under another display id than the one its first output was sent
/// with, so Jupyter (and nbconvert, and the exported page) never apply the updates: the line stays at
/// its first state. Measured with jupyter_client on the kit's kernelspec: display_data carried one id,
/// every update_display_data another. Publishing both events with one id, as here, is honoured by
/// Jupyter, VS Code's Jupyter extension and dotnet-repl.
/// </para>
/// <para>
/// The kernel is reached by reflection, because this library must not reference the notebook host
/// (lessons outlive a host change: .NET Interactive was deprecated in 2026). Outside a
/// notebook (a test, a console) values and lines go to <see cref="NotebookDisplay.Fallback"/>, the console by default.
/// </para>
/// </summary>
public sealed class NotebookOutput : ILessonOutput
{
    /// <summary>The one instance (the kernel is per process).</summary>
    public static NotebookOutput Instance { get; } = new();

    readonly Kernel? _kernel = Kernel.Find();
    readonly Dictionary<string, object> _lineContexts = new(); // the cell each line was first shown in

    NotebookOutput() { }

    /// <summary>Markdown cells show themselves in a notebook: nothing to do.</summary>
    public void Text(string markdown) { }

    /// <summary>The kernel's <c>display(value)</c>; outside a notebook, the value's text to <see cref="NotebookDisplay.Fallback"/>.</summary>
    public void Show(object? value)
    {
        if (_kernel?.Current() is not null && _kernel.Display is not null)
            _kernel.Display.Invoke(null, [value, Array.Empty<string>()]);
        else if (value is not null)
            NotebookDisplay.Fallback(value is Plotly.NET.GenericChart ? "[chart]" : value.ToString() ?? "");
    }

    /// <summary>The first call for an id shows a new output of the running cell, later calls replace it.</summary>
    public void ShowLine(string id, string text)
    {
        object? context;
        bool first;
        lock (_lineContexts)
        {
            first = !_lineContexts.TryGetValue(id, out context);
            if (first)
            {
                context = _kernel?.Current();
                if (context is not null) _lineContexts[id] = context;
            }
        }
        if (context is null) NotebookDisplay.Fallback(text);
        else _kernel!.Publish(context, produced: first, text, id);
    }

    /// <summary>The .NET Interactive types this needs, found among the loaded assemblies (null outside a notebook).</summary>
    sealed class Kernel
    {
        required public PropertyInfo CurrentContext { get; init; }
        required public PropertyInfo Command { get; init; }
        required public MethodInfo PublishMethod { get; init; }
        required public ConstructorInfo Produced { get; init; }
        required public ConstructorInfo Updated { get; init; }
        required public ConstructorInfo FormattedValue { get; init; }
        required public Type FormattedValueType { get; init; }
        /// <summary>Kernel.display(object value, params string[] mimeTypes), as the C# kernel's <c>display</c> is.</summary>
        public MethodInfo? Display { get; init; }

        public static Kernel? Find()
        {
            try
            {
                var assemblies = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name?.StartsWith("Microsoft.DotNet.Interactive") == true).ToList();
                Type? Named(string fullName) => assemblies.Select(a => a.GetType(fullName, throwOnError: false)).FirstOrDefault(t => t is not null);
                var context = Named("Microsoft.DotNet.Interactive.KernelInvocationContext");
                var produced = Named("Microsoft.DotNet.Interactive.Events.DisplayedValueProduced");
                var updated = Named("Microsoft.DotNet.Interactive.Events.DisplayedValueUpdated");
                var formatted = Named("Microsoft.DotNet.Interactive.FormattedValue") ?? Named("Microsoft.DotNet.Interactive.Formatting.FormattedValue");
                if (context is null || produced is null || updated is null || formatted is null) return null;
                return new Kernel
                {
                    CurrentContext = context.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)!,
                    Command = context.GetProperty("Command")!,
                    PublishMethod = context.GetMethods().First(m => m.Name == "Publish" && m.GetParameters().Length == 1),
                    Produced = produced.GetConstructors().First(c => c.GetParameters().Any(p => p.Name == "valueId")),
                    Updated = updated.GetConstructors().First(c => c.GetParameters().Any(p => p.Name == "valueId")),
                    FormattedValue = formatted.GetConstructor([typeof(string), typeof(string)])!,
                    FormattedValueType = formatted,
                    Display = Named("Microsoft.DotNet.Interactive.Kernel")?.GetMethod("display", BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string[])]),
                };
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ReflectionTypeLoadException)
            {
                return null; // another host version: fall back to plain lines rather than fail a lesson
            }
        }

        public object? Current() => CurrentContext.GetValue(null);

        public void Publish(object context, bool produced, string text, string id)
        {
            var values = Array.CreateInstance(FormattedValueType, 1);
            values.SetValue(FormattedValue.Invoke(["text/plain", text]), 0);
            var constructor = produced ? Produced : Updated;
            var arguments = constructor.GetParameters().Select(p => p.Name switch
            {
                "value" => text,
                "valueId" => id,
                "command" => Command.GetValue(context),
                "formattedValues" => values,
                _ => p.HasDefaultValue ? p.DefaultValue : null,
            }).ToArray();
            PublishMethod.Invoke(context, [constructor.Invoke(arguments)]);
        }
    }
}
