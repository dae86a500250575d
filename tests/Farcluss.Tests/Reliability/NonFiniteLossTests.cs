using System.Text.Json.Nodes;
using Farcluss.Data;
using Farcluss.Tests.Data;
using Farcluss.Training;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 5: a step whose loss is not finite is not applied, is reported with its step number and the
/// terms that went bad, and the run stops after max_bad_steps such steps with a KitException.
/// </summary>
public class NonFiniteLossTests
{
    static NonFiniteLossTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    /// <summary>A normalisation with std 0 turns every input pixel into ±∞ or NaN ((x − 0) / 0), so every
    /// term of every step is NaN: the data poisoning a real run could meet, injected without touching the trainer.</summary>
    static readonly Normalization Poisoned = new([0f], [0f]);

    [Fact]
    public void ANaNStepChangesNothingIsReportedAndTheRunStopsAfterMaxBadSteps()
    {
        var config = TinyRuns.Config(steps: 20) with { MaxBadSteps = 2 };
        using var trainer = new Trainer(config, TinyRuns.Data(Poisoned));
        var messages = new List<string>();
        trainer.OnProgress = p => messages.Add(p.Phase);

        var student = TinyRuns.Snapshot(trainer.Student);
        var teacher = TinyRuns.Snapshot(trainer.Teacher);
        var head = TinyRuns.Snapshot(trainer.Head!);
        using var frequencies = trainer.Rebalancer!.Frequencies.clone();
        using var prototypes = trainer.PrototypeMemory!.Prototypes.clone();
        using var initialised = trainer.PrototypeMemory.Initialised.clone();

        trainer.TrainStep();
        trainer.TrainStep();

        // Two bad steps, each skipped and reported with its number and its bad terms.
        Assert.Equal(2, trainer.Step);
        Assert.Equal(2, trainer.BadSteps);
        Assert.Equal(
            ["step 0: loss is not finite (terms: loss, supervised, unsupervised, contrast); step skipped",
             "step 1: loss is not finite (terms: loss, supervised, unsupervised, contrast); step skipped"],
            messages);
        // Nothing moved: no weight (the optimizer did not step), no BatchNorm running statistic (the
        // forward pass in train mode had updated them with NaN: put back), no teacher weight (no EMA
        // update), and neither the class frequencies nor the prototypes the step had already updated.
        Assert.Empty(TinyRuns.Changed(student, trainer.Student));
        Assert.Empty(TinyRuns.Changed(teacher, trainer.Teacher));
        Assert.Empty(TinyRuns.Changed(head, trainer.Head!));
        Assert.True(TinyRuns.Same(frequencies, trainer.Rebalancer.Frequencies));
        Assert.True(TinyRuns.Same(prototypes, trainer.PrototypeMemory.Prototypes));
        Assert.True(TinyRuns.Same(initialised, trainer.PrototypeMemory.Initialised));

        // The third bad step exceeds max_bad_steps = 2: the run stops with the kit's error.
        var e = Assert.Throws<KitException>(() => trainer.TrainStep());
        Assert.Contains("3 steps had a non-finite loss (limit max_bad_steps = 2)", e.Message);
        Assert.Empty(TinyRuns.Changed(student, trainer.Student));
        foreach (var t in student.Values.Concat(teacher.Values).Concat(head.Values)) t.Dispose();
    }

    [Fact]
    public void OnlyTheTermsThatWentBadAreNamed()
    {
        // Supervised only: the loss is the supervised term alone, so exactly those two are named.
        var config = TinyRuns.Config(steps: 4, variant: "supervised") with { MaxBadSteps = 0 };
        using var trainer = new Trainer(config, TinyRuns.Data(Poisoned));
        string? message = null;
        trainer.OnProgress = p => message = p.Phase;
        var e = Assert.Throws<KitException>(() => trainer.TrainStep()); // max_bad_steps = 0: the first bad step stops
        Assert.Equal("step 0: loss is not finite (terms: loss, supervised); step skipped", message);
        Assert.Contains("1 steps had a non-finite loss (limit max_bad_steps = 0)", e.Message);
    }

    [Fact]
    public void AGoodStepAfterBadOnesTrainsNormally()
    {
        // The rollback must not freeze the run: with clean data the same trainer's steps do change the weights.
        using var trainer = new Trainer(TinyRuns.Config(steps: 4), TinyRuns.Data());
        var student = TinyRuns.Snapshot(trainer.Student);
        trainer.TrainStep();
        Assert.Equal(0, trainer.BadSteps);
        Assert.NotEmpty(TinyRuns.Changed(student, trainer.Student));
        foreach (var t in student.Values) t.Dispose();
    }

    [Fact]
    public void TheCliStopsAnAbsurdLearningRateWithOneErrorLine()
    {
        // lr = 10, the largest the config accepts: step 0 is finite and applied (its Adam update is ±10 per
        // weight), from step 1 on the loss is NaN. With max_bad_steps = 2 the third bad step (step 3) stops the run.
        using var dir = new TempDirectory();
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["optimizer"] = new JsonObject { ["learning_rate"] = 10 };
        config["max_bad_steps"] = 2;
        File.WriteAllText(dir.File("absurd.json"), config.ToJsonString());

        var (exit, _, stderr) = CliProcess.Run(dir.Path, 180, "train", "--preset", "smoke", "--config", "absurd.json", "--steps", "10",
            "--device", "cpu", "--out", "run");

        Assert.Equal(1, exit);
        Assert.Contains("step 1: loss is not finite (terms: loss, ", stderr);
        Assert.Contains("); step skipped", stderr);
        Assert.Contains("step 3: loss is not finite", stderr);
        // So early the error names the numerics check (the CPU fault shows in the first steps too) and then the learning rate.
        var error = Assert.Single(CliProcess.ErrorLines(stderr));
        Assert.StartsWith("error: 3 steps had a non-finite loss (limit max_bad_steps = 2), the first at step 1; stopping rather than training on garbage. " +
                          "This early, suspect the CPU's convolution kernels as much as the settings: run ./farcluss doctor", error);
        Assert.EndsWith("then check optimizer.learning_rate (10 here) and the data.", error);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
        Assert.False(File.Exists(dir.File("run/checkpoint.bin")), "a checkpoint of a garbage run was written");
    }
}
