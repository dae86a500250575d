using System.Diagnostics;
using System.Text.Json;
using static TorchSharp.torch;

namespace Farcluss.Runtime;

/// <summary>
/// One numeric path checked in a fresh process: the CLI's hidden <c>numerics-probe</c> command reads a
/// <see cref="NumericsShape"/> on stdin, computes the float64 reference and the path's repeats, and prints one
/// <see cref="PathVerdict"/> line. The fault does not always stay in the numbers: on the AMD EPYC family-26 host
/// a ResNet-50 pass through oneDNN kills the process with SIGFPE. A probe that dies is a failed path, not a dead
/// kit. An ISA cap can also be tried only this way (oneDNN reads it when it first runs).
/// </summary>
public static class NumericsProbe
{
    public const string Command = "numerics-probe";
    static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>
    /// The CLI that runs probes: Farcluss.Cli.dll beside this program (the CLI itself, the tests), else the one the
    /// launcher builds under $FARCLUSS_HOME (notebooks). Null when there is none: the check then runs in-process.
    /// </summary>
    public static string? CliDll()
    {
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, "Farcluss.Cli.dll") };
        if (Environment.GetEnvironmentVariable("FARCLUSS_HOME") is { Length: > 0 } home)
            candidates.Add(Path.Combine(home, ".build", "cli", "Farcluss.Cli.dll"));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Checks <paramref name="path"/> for <paramref name="shape"/> in a child process with <paramref name="environment"/>
    /// added; null when no CLI is found or the CLI refuses the probe (exit 1 or 2). A child that dies or prints no
    /// verdict is a failed path, with the reason.
    /// </summary>
    public static PathVerdict? Run(NumericsShape shape, string path, int threads, IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (CliDll() is not string dll) return null;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { dll, Command, "--path", path, "--threads", threads.ToString() }) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(shape));
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        // Exit 1 or 2 is the CLI refusing the probe (a CLI built from other sources, a bad install), not the path
        // computing wrong: no verdict, so nothing false is cached; the check then runs in-process, as without a CLI.
        if (process.ExitCode is 1 or 2) return null;
        if (process.ExitCode == 0)
            try { if (JsonSerializer.Deserialize<PathVerdict>(last, Json) is { } verdict) return verdict; }
            catch (JsonException) { }
        var why = process.ExitCode switch
        {
            136 => "the process died of a floating-point exception (SIGFPE) inside libtorch",
            139 => "the process died of a segmentation fault (SIGSEGV) inside libtorch",
            134 => "the process aborted (SIGABRT) inside libtorch",
            int code => $"the check's process ended with exit {code}: " +
                        (stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "no message"),
        };
        return new PathVerdict(path, false, why, NumericsCheck.Repeats, 0, 0, double.NaN, 0);
    }

    /// <summary>The child's side (the CLI's <c>numerics-probe</c>): one path against float64, one JSON line on stdout.</summary>
    public static int Child(string path, int threads, TextReader input, TextWriter output)
    {
        var shape = JsonSerializer.Deserialize<NumericsShape>(input.ReadToEnd()) ?? throw new KitException("numerics-probe: no shape on stdin");
        if (threads > 0) set_num_threads(threads);
        NumericPath.Use(path);
        var reference = NumericsCheck.Compute(shape, ScalarType.Float64, out _, reference: true);
        var fault = NumericsCheck.ParseFaults(Environment.GetEnvironmentVariable(NumericsCheck.FaultVariable) ?? "").GetValueOrDefault(path);
        var verdict = NumericsCheck.CheckPath(shape, path, reference, fault);
        foreach (var r in reference) r.Dispose();
        output.WriteLine(JsonSerializer.Serialize(verdict, Json));
        return 0;
    }
}
