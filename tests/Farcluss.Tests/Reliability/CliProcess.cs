using System.Diagnostics;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Starts the real `farcluss` CLI (the Farcluss.Cli.dll the test project builds next to itself) as a
/// child process, with MNIST where the tests keep it. Tests use it for what only a process shows:
/// exit codes, what reaches stderr, and surviving a SIGKILL.
/// </summary>
static class CliProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "Farcluss.Cli.dll");

    /// <summary>The dotnet host that runs the tests (set by the dotnet CLI), else `dotnet` from PATH.</summary>
    static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>A tiny M2NIST-LT run: 32×32 canvases, 16 labeled and 48 unlabeled, width-8 model, one thread.
    /// (`train` currently replaces the file's "method" section with the --variant's settings, so the
    /// method keys only take effect once that is changed; the tests do not depend on them.)</summary>
    public const string TinyConfig = """
        {
          "data": { "m2nist": { "canvas_size": 32, "train_count": 64, "labeled_fraction": 0.25, "validation_count": 8, "test_count": 8 } },
          "model": { "width": 8 },
          "method": { "anchors": 64, "projection_dim": 16 },
          "labeled_batch": 2, "unlabeled_batch": 2, "threads": 1
        }
        """;

    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts the CLI with <paramref name="environment"/> added to the usual environment.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Host, [Dll, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The parent of the mnist/ folder the data tests use (fetched there once if missing).
        start.Environment["FARCLUSS_DATA"] = Path.GetDirectoryName(MnistTestData.EnsureFetched())!;
        start.Environment["FARCLUSS_DEBUG"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs to the end (at most <paramref name="timeoutSeconds"/>) and returns exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, int timeoutSeconds, params string[] args) =>
        Run(workingDirectory, timeoutSeconds, new Dictionary<string, string>(), args);

    /// <summary><see cref="Run(string, int, string[])"/> with <paramref name="environment"/> added to the CLI's environment.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, int timeoutSeconds,
        IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"farcluss {string.Join(' ', args)} did not finish in {timeoutSeconds} s; stderr so far: {stderr}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The lines of stderr that start with "error:".</summary>
    public static string[] ErrorLines(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("error:")).ToArray();
}
