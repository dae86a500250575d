using System.Diagnostics;
using Farcluss.Config;
using Farcluss.Runtime;
using Farcluss.Training;

namespace Farcluss.Charts;

/// <summary>
/// What every notebook lesson sets up in its first code cell: libtorch made loadable, the
/// FSharp.Core fix for Plotly.NET, the repository root (so data/mnist is found whatever the
/// notebook host's working directory), and the preset: <see cref="Presets.Workshop"/>, or
/// <see cref="Presets.Smoke"/> with tiny sizes when the environment variable FARCLUSS_SMOKE=1
/// (CI runs every notebook that way). Used by notebooks 00–09.
/// </summary>
public static partial class Lesson
{
    /// <summary>The environment variable that switches every lesson to the smoke preset.</summary>
    public const string SmokeVariable = "FARCLUSS_SMOKE";

    /// <summary>True when FARCLUSS_SMOKE=1: CI's fast run, seconds per lesson.</summary>
    public static bool Smoke => Environment.GetEnvironmentVariable(SmokeVariable) == "1";

    /// <summary>The preset this run uses: smoke under FARCLUSS_SMOKE=1, else workshop.</summary>
    public static TrainingConfig Config => Smoke ? Presets.Smoke : Presets.Workshop;

    /// <summary>"smoke" or "workshop".</summary>
    public static string PresetName => Smoke ? "smoke" : "workshop";

    /// <summary><paramref name="workshop"/> normally, <paramref name="smoke"/> under FARCLUSS_SMOKE=1 (steps, sample counts).</summary>
    public static T Pick<T>(T workshop, T smoke) => Smoke ? smoke : workshop;

    /// <summary>The repository root (the folder holding Farcluss.Kit.sln), found upwards from the working directory.</summary>
    public static string RepositoryRoot { get; private set; } = "";

    /// <summary>
    /// Call first in every lesson. Idempotent. Returns a one-line description of the environment
    /// (preset, threads, root) for the lesson to show.
    /// </summary>
    public static string Setup()
    {
        NativeLibTorch.EnsureLoadable();
        FSharpCoreResolver.Install();
        NotebookHost.QuietVersionWarnings();
        RepositoryRoot = FindRepositoryRoot(Directory.GetCurrentDirectory())
            ?? FindRepositoryRoot(AppContext.BaseDirectory)
            ?? throw new KitException("cannot find the kit's repository root (Farcluss.Kit.sln) above the working directory; " +
                                      "open the notebook from the repository's notebooks/ folder", Directory.GetCurrentDirectory());
        // The library looks for data/mnist under FARCLUSS_HOME unless FARCLUSS_DATA says otherwise.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FARCLUSS_HOME")))
            Environment.SetEnvironmentVariable("FARCLUSS_HOME", RepositoryRoot);
        NotebookHost.FirstTorchCall(() => TorchSharp.torch.set_num_threads(Config.Threads));
        // The preset's passes checked on this CPU before any lesson trains (docs/numerics.md); cached after the first time.
        var data = Config.Data;
        string numerics;
        try { numerics = NumericsCheck.Ensure(NumericsShape.Of(Config, ConfigFile.ClassCountOf(data) ?? 2, ConfigFile.ChannelCountOf(data))).Description; }
        catch (KitException failed) { numerics = $"{failed.Message.TrimEnd('.')}. The cells that train will stop and say so"; } // the lesson degrades (LessonFailures.cs)
        return $"preset {PresetName}, {TorchSharp.torch.get_num_threads()} torch threads, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, " +
               $"repository {RepositoryRoot}, data {Farcluss.Data.MnistFiles.DefaultDirectory()}; numerics: {numerics}";
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding Farcluss.Kit.sln, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Farcluss.Kit.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>
    /// A progress callback for <see cref="Trainer.OnProgress"/> that shows one line through
    /// <paramref name="show"/> (a notebook's updating display) at most every
    /// <paramref name="everyMs"/> milliseconds, and always at a phase change and the last step,
    /// so a long cell shows one updating line rather than a flood.
    /// </summary>
    public static Action<TrainingProgress> Progress(string label, Action<string> show, int everyMs = 500)
    {
        var clock = Stopwatch.StartNew();
        long lastShown = -everyMs;
        string lastPhase = "";
        return p =>
        {
            bool due = clock.ElapsedMilliseconds - lastShown >= everyMs || p.Phase != lastPhase || p.Step == p.TotalSteps;
            if (!due) return;
            lastShown = clock.ElapsedMilliseconds;
            lastPhase = p.Phase;
            show(Describe(label, p));
        };
    }

    /// <summary>
    /// Shows a progress line for a run of <paramref name="totalSteps"/> steps and returns it; pass its
    /// <see cref="ProgressLine.Report"/> to <see cref="Trainer.OnProgress"/>. The line updates in place in
    /// Jupyter, VS Code and dotnet-repl (<see cref="NotebookDisplay"/>), and an executed notebook keeps its final state.
    /// </summary>
    public static ProgressLine ShowProgress(string label, long totalSteps, int everyMs = 500) => new(label, totalSteps, everyMs);

    /// <summary>The line a progress display shows before the first step (step 0).</summary>
    public static string Start(string label, long totalSteps) => Describe(label, new TrainingProgress(0, totalSteps, double.NaN, 0, "starting"));

    /// <summary>"label: step 120/600 [#####.....] loss 0.412, 85 ms/step, 41 s left (train)".</summary>
    public static string Describe(string label, TrainingProgress p)
    {
        double fraction = p.TotalSteps == 0 ? 1 : (double)p.Step / p.TotalSteps;
        int filled = (int)Math.Round(fraction * 20);
        double secondsLeft = p.MsPerStep * (p.TotalSteps - p.Step) / 1000;
        string loss = double.IsNaN(p.Loss) ? "" : $" loss {p.Loss:F3},";
        return $"{label}: step {p.Step}/{p.TotalSteps} [{new string('#', filled)}{new string('.', 20 - filled)}]{loss} " +
               $"{p.MsPerStep:F0} ms/step, {secondsLeft:F0} s left ({p.Phase})";
    }
}
