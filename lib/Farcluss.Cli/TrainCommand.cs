using System.CommandLine;
using Farcluss;
using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Cli;

/// <summary><c>farcluss train</c>: one variant into a run folder, or a resumed run.</summary>
static class TrainCommand
{
    public static Command Create()
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
            var config = common.Build(result, basis => basis with { Method = Variants.Get(name, basis.Method), Seed = result.GetValue(seed) ?? basis.Seed });
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
        if (resuming) RequireSameSettings(checkpoint, config);
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
        if (resuming) RequireSameSettings(checkpoint, config);
        else if (replacing) folder.Replace();
        else RunFolder.RequireEmpty(runDirectory);

        var data = RunData.Load(config);
        using var trainer = new Trainer(config, data) { OnProgress = new ConsoleProgress(name).Report };
        if (resuming)
        {
            Checkpoint.Restore(trainer, checkpoint);
            Console.Error.WriteLine($"resumed {checkpoint} at step {trainer.Step}");
        }
        var run = trainer.Run(runDirectory);
        Tables.PrintEval(run.TeacherTest, data.ClassNames);
        Tables.PrintEval(run.StudentTest, data.ClassNames);
        Console.WriteLine($"{run.MsPerStep:F0} ms/step, {run.WallSeconds:F0} s in all; metrics in {Path.Combine(runDirectory, "metrics.jsonl")}");
        return 0;
    }

    /// <summary>A resumed run keeps its settings (<see cref="ResumePolicy"/>), read from the checkpoint's checked header.</summary>
    static void RequireSameSettings(string checkpoint, TrainingConfig requested) =>
        ResumePolicy.RequireSameSettings(CheckpointFile.ReadCheckedHeader(checkpoint).Config(checkpoint), requested, checkpoint);
}
