using System.CommandLine;
using System.Diagnostics;
using Farcluss;
using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary><c>farcluss compare</c>, the README's main job: FARCLUSS against the hard-label and supervised baselines.</summary>
static class CompareCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var variants = new Option<string>("--variants")
        {
            Description = "Comma-separated variants to train one after another.", DefaultValueFactory = _ => "supervised,hard,farcluss",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of every run.", DefaultValueFactory = _ => 0 };
        var runs = new Option<string?>("--runs")
        {
            Description = "Folder of the runs (default: runs/ in the repository, where the lessons look). Each variant's run goes to " +
                          "RUNS/<preset>/<variant>-s<seed>/ (config.json, checkpoint.bin, metrics.jsonl), replacing an earlier one.",
        };
        var command = new Command("compare",
            "The main job: train several variants with one seed, keep each run where the lessons find it (runs/<preset>/<variant>-s<seed>), " +
            "and print their comparison table (mIoU, rarest-three IoU, time per step).");
        common.AddTo(command);
        command.Options.Add(variants);
        command.Options.Add(seed);
        command.Options.Add(runs);
        command.SetAction(result =>
        {
            var clock = Stopwatch.StartNew();
            var config = common.Build(result);
            var names = result.GetValue(variants)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var n in names) Variants.Get(n); // fail before any training on a typo
            var preset = result.GetValue(common.Preset)!;
            var runsRoot = result.GetValue(runs) is string folder ? Path.GetFullPath(folder) : Path.Combine(CommonOptions.RepositoryRoot, WorkshopRuns.Folder);
            AtomicFile.EnsureWritable(Path.Combine(runsRoot, preset)); // in a second, not after the first run's minutes
            var data = RunData.Load(config);
            var report = RunData.NewReport(config, data, preset);
            foreach (var name in names)
            {
                int runSeed = result.GetValue(seed);
                var runDirectory = Path.Combine(runsRoot, preset, $"{name}-s{runSeed}");
                // A fresh run replaces the folder's run files, under the folder's lock; RunOne writes config.json, which the
                // lessons check before they use a run.
                RunFolder.RequireReplaceable(runDirectory); // before the lock file is made, so a refusal leaves nothing
                using var held = RunFolder.Acquire(runDirectory);
                held.Replace();
                var run = Ablation.RunOne(config, data, name, runSeed, new ConsoleProgress(name).Report, runDirectory);
                report.Runs.Add(run);
                Console.Error.WriteLine($"{name}: run kept in {Path.GetRelativePath(Directory.GetCurrentDirectory(), runDirectory)}");
            }
            Console.WriteLine();
            Console.WriteLine(AblationReport.ToMarkdown(report));
            Console.WriteLine($"Total wall time: {clock.Elapsed:mm\\:ss}");
            return 0;
        });
        return command;
    }
}
