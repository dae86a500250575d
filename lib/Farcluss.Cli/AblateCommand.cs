using System.CommandLine;
using Farcluss;
using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary><c>farcluss ablate</c>: the ladder and leave-one-out rows over seeds, merged into a results file.</summary>
static class AblateCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds.", DefaultValueFactory = _ => "0,1,2" };
        var only = new Option<string?>("--only") { Description = "Comma-separated variants to (re)run alone; default: the ladder and the leave-one-out rows." };
        var output = new Option<string>("--out")
        {
            Description = "Results file stem, relative to the current directory: writes STEM.json and STEM.md (a folder, ending in /, " +
                          "means FOLDER/ablation); saves from several commands at once merge under a lock (.NAME.lock beside them). The default is the " +
                          "committed results: runs with other settings than the file's (another preset, --steps, --config) are refused there.",
            DefaultValueFactory = _ => "results/ablation",
        };
        var replace = new Option<bool>("--replace")
        {
            Description = "Start STEM.json afresh instead of merging: its runs are dropped when the first new run is saved. " +
                          "Needed to write runs with other settings than the file's.",
        };
        var split = new Option<string>("--report-split")
        {
            Description = "Split the Markdown table reports: test (results) or validation (when searching settings: tune on validation only).",
            DefaultValueFactory = _ => "test",
        };
        var tableOnly = new Option<bool>("--table-only")
        {
            Description = "Train nothing: rewrite STEM.md from STEM.json as it is (after a stopped ablate left the table stale, or to " +
                          "refresh a table made by an older version).",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Train nothing: check that STEM.md shows STEM.json as it is (the SHA-256 the table names is the JSON's); " +
                          "exit 1 naming both when it does not (then ablate --table-only makes it again).",
        };
        var runs = new Option<string?>("--runs")
        {
            Description = "Keep each run's folder (metrics.jsonl with the validation curve, config.json, checkpoint.bin) in DIR/<variant>-s<seed>; " +
                          "a rerun row replaces its folder (locked while it trains). Default: keep none.",
        };
        var command = new Command("ablate",
            "Run the ablation ladder (supervised, hard, fuzzy, weight, rebalance, farcluss) and the leave-one-out rows over seeds; " +
            "writes a JSON file (the config, then runs with variant, settings, seed, miou, per_class_iou, ms_per_step) and a Markdown table. " +
            "Runs already in STEM.json are kept, so --only reruns one row and merges it; a merge needs the same settings as the file's " +
            "(every difference is named and nothing is trained), otherwise choose another --out or pass --replace. " +
            "STEM.md is rewritten from STEM.json after every run and names the JSON's SHA-256, so a table always says which results it shows.");
        common.AddTo(command);
        foreach (Option option in new Option[] { seeds, only, output, replace, split, runs, tableOnly, check }) command.Options.Add(option);
        command.SetAction(result =>
        {
            if (result.GetValue(tableOnly) && result.GetValue(check)) throw new KitException("--table-only rewrites the table, --check only reads it: give one of them");
            if (result.GetValue(tableOnly)) return RewriteTable(new ResultsStem(result.GetValue(output)!));
            if (result.GetValue(check)) return CheckTable(new ResultsStem(result.GetValue(output)!));
            var config = common.Build(result);
            var runsDirectory = result.GetValue(runs);
            var reportSplit = result.GetValue(split)!;
            if (reportSplit is not ("test" or "validation")) throw new KitException($"--report-split must be test or validation, got {Echo.Quote(reportSplit)}");
            var seedList = result.GetValue(seeds)!.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s.Trim(), out int seed) ? seed : throw new KitException($"--seeds takes comma-separated integers, got {Echo.Quote(s)}"))
                .ToArray();
            var names = (result.GetValue(only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                         ?? Variants.AblationNames.ToArray());
            foreach (var n in names) (config with { Method = Variants.Get(n, config.Method) }).ValidateBeforeData();
            return AblateInto(new ResultsStem(result.GetValue(output)!), config, result.GetValue(common.Preset)!, names, seedList, reportSplit,
                              result.GetValue(replace), result.GetValue(runs));
        });
        return command;
    }

    /// <summary>ablate's work: every refusal checked before the data loads, then each (variant, seed) trained and saved.</summary>
    static int AblateInto(ResultsStem stem, TrainingConfig config, string preset, string[] names, int[] seedList, string reportSplit,
                          bool replace, string? runsDirectory)
    {
        // Everything that can refuse is checked before the data is loaded and before any training (and checked again
        // under the results' lock when each run is saved: another command may write the same stem meanwhile).
        var template = new AblationReport { Command = "", Preset = preset, ClassNames = [], RarestClasses = [], Split = reportSplit, Config = config };
        if (!replace && stem.Read() is { } previous)
        {
            var differences = AblationReport.MergeDifferences(previous, template);
            if (differences.Count > 0)
                throw new KitException($"these runs would join results made with other settings ({string.Join("; ", differences)}); " +
                                       "write them elsewhere with --out, or start this file afresh with --replace", stem.JsonPath);
        }
        AtomicFile.EnsureWritable(Path.GetDirectoryName(Path.GetFullPath(stem.Stem))!);
        var data = RunData.Load(config);
        template = RunData.NewReport(config, data, preset) with { Split = reportSplit, Config = config };
        AblationReport? report = null;
        bool startAfresh = replace;
        foreach (var name in names)
            foreach (var s in seedList)
            {
                var runDirectory = runsDirectory is null ? null : Path.Combine(runsDirectory, $"{name}-s{s}");
                // The run replaces its row, so it replaces its folder too; the lock keeps a second ablate out meanwhile.
                if (runDirectory is not null) RunFolder.RequireReplaceable(runDirectory); // before the lock file is made
                using var folder = runDirectory is null ? null : RunFolder.Acquire(runDirectory);
                folder?.Replace();
                var run = Ablation.RunOne(config, data, name, s, new ConsoleProgress($"{name} seed {s}").Report, runDirectory);
                // After every run, so a stopped ablation keeps what finished; merged with what is on disk now.
                report = stem.Add(template, run, startAfresh);
                startAfresh = false;
            }
        if (report is not null) Console.WriteLine(AblationReport.ToMarkdown(report));
        return 0;
    }

    /// <summary>ablate --table-only: STEM.md made again from STEM.json's bytes, which are not touched; says whether it was stale.</summary>
    static int RewriteTable(ResultsStem stem)
    {
        var before = stem.RewriteTable();
        string was = before.Current ? "it was up to date" : before.Shown is null
            ? "it was stale: it named no SHA-256 (missing, or made by an older version)"
            : $"it was stale: it showed SHA-256 {before.Shown[..12]}…, {Path.GetFileName(stem.JsonPath)}'s is {before.Actual[..12]}…";
        Console.Error.WriteLine($"rewrote {stem.TablePath} from {stem.JsonPath} ({before.Runs} runs; {was}); trained nothing");
        return 0;
    }

    /// <summary>ablate --check: exit 0 when STEM.md shows STEM.json as it is, else one error line naming both hashes.</summary>
    static int CheckTable(ResultsStem stem)
    {
        var status = stem.Check();
        if (status.Shown is null)
            throw new KitException($"stale table: it names no SHA-256 of {Path.GetFileName(stem.JsonPath)} (missing, or made by an older version); " +
                                   "make it again with ablate --table-only", stem.TablePath);
        if (!status.Current)
            throw new KitException($"stale table: it shows SHA-256 {status.Shown}, but {Path.GetFileName(stem.JsonPath)}'s is {status.Actual}; " +
                                   "make it again with ablate --table-only", stem.TablePath);
        Console.WriteLine($"{stem.TablePath} shows {stem.JsonPath} ({status.Runs} runs, SHA-256 {status.Actual})");
        return 0;
    }
}
