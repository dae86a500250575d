using System.Diagnostics;
using Farcluss.Data;

namespace Farcluss.Tests.Data;

/// <summary>The real MNIST files for tests that need them. If they are not there yet, this runs
/// data-scripts/fetch-mnist.sh once (CI runs it before the tests anyway).</summary>
static class MnistTestData
{
    static readonly Lazy<(MnistDigits Train, MnistDigits Test)> Loaded = new(() => MnistFiles.Locate(EnsureFetched()).Load());

    public static MnistDigits Train => Loaded.Value.Train;
    public static MnistDigits Test => Loaded.Value.Test;

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Farcluss.Kit.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Farcluss.Kit.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>The MNIST folder the fetch script writes to, fetched if needed.</summary>
    public static string EnsureFetched()
    {
        var root = RepoRoot();
        var dataRoot = Environment.GetEnvironmentVariable("FARCLUSS_DATA") is { Length: > 0 } d ? d : Path.Combine(root, "data");
        var mnistDir = Path.Combine(dataRoot, "mnist");
        if (MnistFiles.TryLocate(mnistDir, out _)) return mnistDir;
        var result = RunBash(Path.Combine(root, "data-scripts", "fetch-mnist.sh"), new() { ["FARCLUSS_DATA"] = dataRoot });
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"fetch-mnist.sh failed ({result.ExitCode}): {result.Stderr}");
        return mnistDir;
    }

    public static (int ExitCode, string Stdout, string Stderr) RunBash(string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
