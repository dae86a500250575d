using System.Reflection;
using System.Runtime.InteropServices;
using Farcluss.Runtime;

namespace Farcluss.Charts;

/// <summary>
/// What a lesson's first cell does about the notebook host's noise, reached by reflection so
/// that the library references no host (lessons outlive a host change):
/// <list type="bullet">
/// <item>Compiler warning CS1701 ("assuming assembly reference System.Runtime.Numerics 8.0.0.0 used by
/// TorchSharp matches 10.0.0.0") printed in red under most cells: the C# kernel's script options are set to
/// warning level 1, which keeps the serious warnings and drops version-unification notes (level 2).</item>
/// <item>TorchSharp's page-long load trace when libtorch cannot load: the first torch call runs with the
/// console captured, and a failure becomes one <see cref="KitException"/> naming the loader's reason.</item>
/// </list>
/// Used by <see cref="Lesson.Setup"/>.
/// </summary>
public static class NotebookHost
{
    /// <summary>The warning level lessons compile at: 1 keeps severe warnings, drops CS1701 (level 2).</summary>
    public const int WarningLevel = 1;

    /// <summary>Lowers the running C# kernel's warning level to <see cref="WarningLevel"/>. False outside a notebook or on another host version.</summary>
    public static bool QuietVersionWarnings()
    {
        try
        {
            var contextType = AppDomain.CurrentDomain.GetAssemblies()
                .Select(a => a.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext", throwOnError: false)).FirstOrDefault(t => t is not null);
            var context = contextType?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            var kernel = context?.GetType().GetProperty("HandlingKernel")?.GetValue(context);
            var field = kernel?.GetType().GetField("_scriptOptions", BindingFlags.NonPublic | BindingFlags.Instance);
            var options = field?.GetValue(kernel);
            var withLevel = options?.GetType().GetMethod("WithWarningLevel", [typeof(int)]);
            if (field is null || options is null || withLevel is null) return false;
            field.SetValue(kernel, withLevel.Invoke(options, [WarningLevel]));
            return true;
        }
        catch (Exception e) when (e is TargetInvocationException or ArgumentException or InvalidOperationException or MemberAccessException)
        {
            return false; // the warnings stay; the lesson still runs
        }
    }

    /// <summary>
    /// Runs the process's first torch call with the console captured. If libtorch does not load, TorchSharp's
    /// trace (dozens of lines, and a misleading "doesn't contain a reference" message) is replaced by one
    /// line with the dynamic loader's own reason.
    /// </summary>
    public static void FirstTorchCall(Action call)
    {
        var (output, error) = (Console.Out, Console.Error);
        var trace = new StringWriter();
        Console.SetOut(trace);
        Console.SetError(trace);
        try { call(); }
        catch (TypeInitializationException e) when (e.TypeName == "TorchSharp.torch")
        {
            // Not attached as the inner exception: a notebook prints inner exceptions in full, trace and all.
            _ = e;
            throw new KitException("libtorch (TorchSharp's native engine) did not load: " + LoaderReason() +
                                   $" (TorchSharp's own trace: {TraceLines(trace)} lines, in {nameof(NotebookHost)}.{nameof(LastLoadTrace)})");
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
            LastLoadTrace = trace.ToString();
        }
    }

    /// <summary>What TorchSharp printed during <see cref="FirstTorchCall"/> (its load trace when loading failed).</summary>
    public static string LastLoadTrace { get; private set; } = "";

    static int TraceLines(StringWriter trace) => trace.ToString().Split('\n').Length;

    /// <summary>The dynamic loader's message for the copy TorchSharp tries last, and a known cause if one applies.</summary>
    static string LoaderReason()
    {
        string reason = "no libLibTorchSharp.so found";
        foreach (var path in NativeLibTorch.Candidates().Reverse())
        {
            try { NativeLibrary.Free(NativeLibrary.Load(path)); reason = $"{path} loads on its own, so a library it needs was found elsewhere first"; }
            catch (DllNotFoundException e) { reason = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim(); }
            break;
        }
        const string systemTorch = "/usr/lib/x86_64-linux-gnu/libtorch_cpu.so";
        if (File.Exists(systemTorch))
            reason += $". A system libtorch is installed ({systemTorch}, e.g. Debian's python3-torch), and TorchSharp's load by name finds it " +
                      "before the NuGet one: start the notebook host with LD_LIBRARY_PATH set to the libtorch-cpu-linux-x64 package's " +
                      "runtimes/linux-x64/native folder, or remove it";
        return reason;
    }
}
