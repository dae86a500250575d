using System.Reflection;

namespace Farcluss.Charts;

/// <summary>
/// One line of text in a notebook's output that later calls replace in place (a progress line).
/// <para>
/// Why not the notebook's own <c>display(x).Update(y)</c>: in .NET Interactive 1.0.712001 the value
/// <c>display</c> returns updates under another display id than the one its first output was sent
/// with, so Jupyter (and nbconvert, and the exported page) never apply the updates: the line stays at
/// its first state. Measured with jupyter_client on the kit's kernelspec: display_data carried one id,
/// every update_display_data another. This class publishes the kernel's DisplayedValueProduced and
/// DisplayedValueUpdated events itself, both with one id it chose, which Jupyter, VS Code's Jupyter
/// extension and dotnet-repl all honour.
/// </para>
/// <para>
/// The events are reached by reflection, because this library must not reference the notebook host
/// (lessons outlive a host change; STYLE.md keeps logic in the library). Outside a notebook (a test,
/// a console) there is no kernel context: lines go to <see cref="Fallback"/>, the console by default.
/// Used by every lesson's progress line (<see cref="Lesson.ShowProgress"/>).
/// </para>
/// </summary>
public sealed class NotebookDisplay
{
    readonly object? _context;
    readonly Kernel? _kernel;

    /// <summary>The display id both events carry.</summary>
    public string Id { get; } = "farcluss-" + Guid.NewGuid().ToString("N");

    /// <summary>The text shown now.</summary>
    public string Text { get; private set; }

    /// <summary>True when the line goes to a notebook kernel, false when to <see cref="Fallback"/>.</summary>
    public bool InNotebook => _context is not null;

    /// <summary>Where lines go when no notebook kernel is running (every update, one line each).</summary>
    public static Action<string> Fallback { get; set; } = Console.WriteLine;

    NotebookDisplay(string text)
    {
        Text = text;
        _kernel = Kernel.Find();
        _context = _kernel?.Current();
        if (_context is null) Fallback(text);
        else _kernel!.Publish(_context, produced: true, text, Id);
    }

    /// <summary>Shows <paramref name="text"/> as a new output of the running cell.</summary>
    public static NotebookDisplay Show(string text) => new(text);

    /// <summary>Replaces the text of this output.</summary>
    public void Update(string text)
    {
        Text = text;
        if (_context is null) Fallback(text);
        else _kernel!.Publish(_context, produced: false, text, Id);
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
