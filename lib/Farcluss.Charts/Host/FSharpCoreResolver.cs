using System.Reflection;
using System.Runtime.Loader;

namespace Farcluss.Charts;

/// <summary>
/// Plotly.NET 6.0.0 asks for FSharp.Core 10.1.0.0, while the notebook hosts (dotnet-interactive,
/// dotnet-repl) already carry FSharp.Core 10.0.0.0, so the first chart would throw
/// FileNotFoundException. This answers FSharp.Core requests that the default load context cannot
/// satisfy with the FSharp.Core already loaded (F# keeps binary compatibility within a major
/// version). A program that ships its own FSharp.Core (the tests) never reaches the handler.
/// Called by <see cref="Lesson.Setup"/> in every notebook's first code cell, before any chart.
/// </summary>
public static class FSharpCoreResolver
{
    static readonly object Gate = new();
    static bool _installed;

    /// <summary>Registers the handler once per process (idempotent).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            _installed = true;
            AssemblyLoadContext.Default.Resolving += Resolve;
        }
    }

    /// <summary>The loaded FSharp.Core for a request of FSharp.Core (any version), else null.</summary>
    public static Assembly? Resolve(AssemblyLoadContext context, AssemblyName requested) =>
        requested.Name == "FSharp.Core" ? LoadedFSharpCore() : null;

    /// <summary>The FSharp.Core assembly already loaded in this process, or null if none is.</summary>
    public static Assembly? LoadedFSharpCore() =>
        AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "FSharp.Core")
            .OrderByDescending(a => a.GetName().Version)
            .FirstOrDefault();
}
