using Farcluss.Evaluation;
using System.CommandLine;
using System.Diagnostics;
using Farcluss;
using Farcluss.Config;
using Farcluss.Runtime;
using Farcluss.Training;
using Spectre.Console;

namespace Farcluss.Cli;

static class TrainCommands
{
    public static Command Train()
    {
        var common = new CommonOptions();
        var variant = new Option<string>("--variant")
        {
            Description = "Variant laid over the config's method settings: " + string.Join(", ", Variants.All.Select(v => v.Name)) +
                          ". farcluss (the default) trains the method section as the preset and --config give it.",
            DefaultValueFactory = _ => "farcluss",
        };
        var seed = new Option<int?>("--seed") { Description = "Seed of initialisation, data order and augmentation (default: the config's, 0)." };
        var output = new Option<string?>("--out")
        {
            Description = "Run folder for metrics.jsonl, config.json and checkpoint.bin (default runs/<variant>-s<seed>, relative to the " +
                          "current directory). It must be empty or new, unless --resume or --overwrite.",
        };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run in --out from its checkpoint. Refused when a setting that changes the run differs from the " +
                          "checkpoint's (only log_every, eval_every, checkpoint_every, max_bad_steps, threads and device may change).",
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Replace the run in --out: its checkpoint, metrics and config are deleted before training starts.",
        };
        var command = new Command("train",
            "Train one variant; writes metrics (JSON lines), the config and a checkpoint into a run folder that no other command may use " +
            "meanwhile; prints test mIoU and per-class IoU.");
        common.AddTo(command);
        command.Options.Add(variant);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.Options.Add(resume);
        command.Options.Add(overwrite);
        command.SetAction(result =>
        {
            var name = result.GetValue(variant)!;
            var basis = common.Build(result);
            var config = basis with { Method = Variants.Get(name, basis.Method), Seed = result.GetValue(seed) ?? basis.Seed };
            config.Validate(ConfigFile.ClassCountOf(config.Data) ?? Labels.Ignore); // the variant's method settings, before anything is written
            var runDirectory = result.GetValue(output) ?? Path.Combine("runs", $"{name}-s{config.Seed}");
            return TrainInto(runDirectory, config, name, result.GetValue(resume), result.GetValue(overwrite));
        });
        return command;
    }

    /// <summary>train's work: the run folder checked and locked, then one run trained (or resumed) into it.</summary>
    static int TrainInto(string runDirectory, TrainingConfig config, string name, bool resuming, bool replacing)
    {
        var checkpoint = Path.Combine(runDirectory, "checkpoint.bin");
        if (resuming && replacing) throw new KitException("--resume continues the run in --out, --overwrite replaces it: give one of them");
        // Checked before anything is written, so that a refused command leaves the folder as it was.
        if (resuming) Checkpoint.RequireSameSettings(checkpoint, config);
        else if (replacing) RunFolder.RequireReplaceable(runDirectory);
        else RunFolder.RequireEmpty(runDirectory);
        using var folder = RunFolder.Acquire(runDirectory);
        try { return TrainLocked(folder, checkpoint, config, name, resuming, replacing); }
        catch
        {
            folder.ReleaseUnused(); // a command that failed before writing anything leaves no folder or lock file behind
            throw;
        }
    }

    static int TrainLocked(RunFolder folder, string checkpoint, TrainingConfig config, string name, bool resuming, bool replacing)
    {
        var runDirectory = folder.Path;
        // Once more under the lock: another command may have changed the folder in between.
        if (resuming) Checkpoint.RequireSameSettings(checkpoint, config);
        else if (replacing) folder.Replace();
        else RunFolder.RequireEmpty(runDirectory);

        var data = LoadData(config);
        using var trainer = new Trainer(config, data) { OnProgress = new ConsoleProgress(name).Report };
        if (resuming)
        {
            Checkpoint.Restore(trainer, checkpoint);
            Console.Error.WriteLine($"resumed {checkpoint} at step {trainer.Step}");
        }
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "config.json"), ConfigFile.ToJson(config, trainer.Numerics));
        var run = trainer.Run(runDirectory);
        Tables.PrintEval(run.TeacherTest, data.ClassNames);
        Tables.PrintEval(run.StudentTest, data.ClassNames);
        Console.WriteLine($"{run.MsPerStep:F0} ms/step, {run.WallSeconds:F0} s in all; metrics in {Path.Combine(runDirectory, "metrics.jsonl")}");
        return 0;
    }

    public static Command Eval()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A checkpoint.bin written by train.", Required = true };
        var split = new Option<string>("--split") { Description = "test or validation.", DefaultValueFactory = _ => "test" };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var dataRoot = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files." };
        var confusion = new Option<bool>("--confusion") { Description = "Also print the confusion matrix, each row (true class) as % of its pixels." };
        var command = new Command("eval", "Evaluate a checkpoint's teacher: mIoU and per-class IoU from one confusion matrix over the split.")
            { checkpoint, split, device, dataRoot, confusion };
        command.SetAction(result =>
        {
            var path = result.GetValue(checkpoint)!.FullName;
            var dev = DeviceChoice.Resolve(result.GetValue(device)!);
            var (model, header) = Checkpoint.LoadTeacher(path, dev);
            using var _ = model;
            var config = ConfigFile.Parse(header.ConfigJson, new TrainingConfig(), path);
            if (result.GetValue(dataRoot) is string root) config = config with { Data = config.Data with { Root = root } };
            var data = LoadData(config);
            if (header.NumClasses != data.NumClasses || header.InChannels != data.Channels)
                throw new KitException($"checkpoint predicts {header.NumClasses} classes from {header.InChannels} channel(s), " +
                                       $"but the data has {data.NumClasses} classes and {data.Channels} channel(s)", path);
            var which = result.GetValue(split);
            var target = which switch
            {
                "test" => data.Test,
                "validation" => data.Validation ?? throw new KitException("this dataset has no validation split"),
                _ => throw new KitException($"--split must be test or validation, got {Echo.Quote(which)}"),
            };
            var matrix = Farcluss.Evaluation.Evaluator.ConfusionOf(model, target, data.NumClasses, dev);
            var eval = new EvalResult(which!, "teacher", header.Step, matrix.MeanIoU(), matrix.PerClassIoU(), matrix.PixelAccuracy());
            Tables.PrintEval(eval, data.ClassNames);
            if (result.GetValue(confusion)) Tables.PrintConfusion(matrix, data.ClassNames);
            return 0;
        });
        return command;
    }

    /// <summary>The README's main job: FARCLUSS against the hard-label and supervised baselines.</summary>
    public static Command Compare()
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
            var data = LoadData(config);
            var report = NewReport(config, data, preset);
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
            Console.WriteLine(Ablation.ToMarkdown(report));
            Console.WriteLine($"Total wall time: {clock.Elapsed:mm\\:ss}");
            return 0;
        });
        return command;
    }

    public static Command Ablate()
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
            foreach (var n in names) (config with { Method = Variants.Get(n, config.Method) }).Validate(ConfigFile.ClassCountOf(config.Data) ?? Labels.Ignore);
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
            var differences = Ablation.MergeDifferences(previous, template);
            if (differences.Count > 0)
                throw new KitException($"these runs would join results made with other settings ({string.Join("; ", differences)}); " +
                                       "write them elsewhere with --out, or start this file afresh with --replace", stem.JsonPath);
        }
        AtomicFile.EnsureWritable(Path.GetDirectoryName(Path.GetFullPath(stem.Stem))!);
        var data = LoadData(config);
        template = NewReport(config, data, preset) with { Split = reportSplit, Config = config };
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
        if (report is not null) Console.WriteLine(Ablation.ToMarkdown(report));
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

    static AblationReport NewReport(TrainingConfig config, TrainingData data, string preset) => new()
    {
        Command = "./farcluss " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
        Preset = preset,
        ClassNames = data.ClassNames.ToArray(),
        RarestClasses = data.RarestClasses(3),
    };

    public static TrainingData LoadData(TrainingConfig config)
    {
        // The main job sets itself up: MNIST is fetched (and hash-checked) on first use of the default folder.
        if (config.Data.Kind == "m2nist-lt" && config.Data.Root is null && !Farcluss.Data.MnistFiles.TryLocate(Farcluss.Data.MnistFiles.DefaultDirectory(), out _))
        {
            int code = DataCommands.RunFetchScript();
            if (code != 0) throw new KitException($"fetching MNIST failed (exit code {code}); see the messages above");
        }
        var clock = Stopwatch.StartNew();
        var data = TrainingData.Load(config.Data);
        Console.Error.WriteLine($"data: {config.Data.Kind}, {data.Labeled.Count} labeled, {data.Unlabeled?.Count ?? 0} unlabeled, " +
                                $"{data.Validation?.Count ?? 0} validation, {data.Test.Count} test ({clock.ElapsedMilliseconds} ms)");
        return data;
    }
}
