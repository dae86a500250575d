using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Models;
using Farcluss.Tests.Data;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Training;

/// <summary>The one trainer, end to end on tiny real M2NIST-LT canvases.</summary>
public class TrainerTests
{
    static readonly Lazy<TrainingData> Tiny = new(() =>
    {
        var dataset = M2NistLt.Generate(MnistTestData.Train, MnistTestData.Test,
            new M2NistLtSettings { CanvasSize = 32, TrainCount = 64, LabeledFraction = 0.25, ValidationCount = 16, TestCount = 16 });
        return new TrainingData(dataset.Labeled, dataset.Unlabeled, dataset.Validation, dataset.Test, dataset.ClassNames, dataset.Channels);
    });

    static TrainingConfig Config(MethodSettings method, int seed = 0, int steps = 4) => Presets.Smoke with
    {
        Model = new ModelSettings { Width = 8 },
        Method = method,
        Seed = seed,
        Steps = steps,
        LogEvery = 2,
        Device = "cpu",
    };

    static float[] Weights(nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().cpu().flatten().data<float>().ToArray()).ToArray();

    public TrainerTests() => Torch.Ready();

    [Fact]
    public void The_same_seed_gives_identical_losses_and_weights()
    {
        // Data order, augmentation, CutMix and anchors all derive from (seed, step): two runs must agree bitwise.
        var losses = new List<double>[2];
        var weights = new float[2][];
        for (int run = 0; run < 2; run++)
        {
            losses[run] = new List<double>();
            using var trainer = new Trainer(Config(Variants.Farcluss, seed: 5), Tiny.Value);
            trainer.OnStats = s => losses[run].Add(s.Loss);
            for (int i = 0; i < 4; i++) trainer.TrainStep();
            weights[run] = Weights(trainer.Student);
        }
        Assert.Equal(2, losses[0].Count);
        Assert.Equal(losses[0], losses[1]);
        Assert.Equal(weights[0], weights[1]);
        using var other = new Trainer(Config(Variants.Farcluss, seed: 6), Tiny.Value);
        for (int i = 0; i < 4; i++) other.TrainStep();
        Assert.NotEqual(weights[0], Weights(other.Student));
    }

    [Fact]
    public void Initial_weights_come_from_the_trainers_own_generator_seeded_by_the_run()
    {
        // Not torch's global generator: another draw from it (another trainer being built, a notebook
        // cell) must not change a run's start. The student is what Create draws from Generator(seed).
        var config = Config(Variants.Farcluss, seed: 5);
        var settings = config.Model with { NumClasses = Tiny.Value.NumClasses, InChannels = Tiny.Value.Channels };
        using var expected = ModelFactory.Create(settings, new Generator(5));
        using var trainer = new Trainer(config, Tiny.Value);
        Assert.Equal(Weights(expected), Weights(trainer.Student));
        Assert.Equal(Weights(expected), Weights(trainer.Teacher));
    }

    [Fact]
    public void The_benchmark_times_each_variants_own_terms_even_when_the_config_has_a_warm_up()
    {
        // The workshop preset trains supervised only for its first 75% of steps; the benchmark must
        // still time the semi-supervised step of each variant, not a supervised step under its name.
        var config = Config(Variants.Farcluss with { WarmupFraction = 0.75 }, steps: 8);
        var costs = StepCost.Measure(config, Tiny.Value, new[] { "supervised", "hard", "farcluss" }, warmupSteps: 1, stepsPerBlock: 1, blocks: 1)
            .ToDictionary(c => c.Variant);
        Assert.DoesNotContain("teacher", costs["supervised"].MsPerTerm.Keys);
        Assert.Contains("teacher", costs["hard"].MsPerTerm.Keys);
        Assert.Contains("unsupervised", costs["hard"].MsPerTerm.Keys);
        Assert.DoesNotContain("contrast", costs["hard"].MsPerTerm.Keys);
        Assert.Contains("contrast", costs["farcluss"].MsPerTerm.Keys);
    }

    [Fact]
    public void Farcluss_step_logs_what_a_learner_charts()
    {
        using var trainer = new Trainer(Config(Variants.Farcluss), Tiny.Value);
        var stats = new List<StepStats>();
        trainer.OnStats = stats.Add;
        for (int i = 0; i < 4; i++) trainer.TrainStep();
        var last = stats[^1];
        Assert.All(new[] { last.Loss, last.SupervisedLoss, last.UnsupervisedLoss, last.ContrastLoss }, v => Assert.True(double.IsFinite(v)));
        Assert.InRange(last.WeightKept, 0, 1);
        Assert.InRange(last.MeanEntropy, 0, 1);
        Assert.InRange(last.PseudoLabelAccuracy, 0, 1);
        // f is a distribution and Σ f·r = 1 (METHOD.md §3).
        Assert.Equal(1.0, last.ClassFrequencies.Sum(), 4);
        Assert.Equal(1.0, last.ClassFrequencies.Zip(last.ClassWeights, (f, r) => f * r).Sum(), 4);
        Assert.Equal(11 * 11, last.PrototypeSimilarity.Length);
        // The ramp-up of λ_u: exp(−5(1 − t/T_r)²) with T_r = 10% of 4 steps → 0 steps: full weight at once.
        Assert.True(last.UnsupervisedLambda > 0);
    }

    [Fact]
    public void The_teacher_never_receives_gradients_and_follows_the_student_by_EMA()
    {
        using var trainer = new Trainer(Config(Variants.Hard), Tiny.Value);
        var before = Weights(trainer.Teacher);
        trainer.TrainStep();
        Assert.All(trainer.Teacher.parameters(), p => Assert.True(p.grad is null || p.grad.IsInvalid));
        Assert.All(trainer.Teacher.parameters(), p => Assert.False(p.requires_grad));
        // Step 0 has α_0 = min(1 − 1/1, 0.99) = 0: the teacher becomes a copy of the student.
        Assert.NotEqual(before, Weights(trainer.Teacher));
        Assert.Equal(Weights(trainer.Student), Weights(trainer.Teacher));
    }

    [Fact]
    public void Supervised_only_never_touches_unlabeled_data()
    {
        var data = Tiny.Value with { Unlabeled = null };
        using var trainer = new Trainer(Config(Variants.Supervised), data);
        trainer.TrainStep();
        Assert.Null(trainer.Rebalancer);
        Assert.Null(trainer.Head);
        Assert.Throws<KitException>(() => new Trainer(Config(Variants.Farcluss), data));
    }

    [Fact]
    public void A_run_evaluates_teacher_and_student_and_writes_metrics_and_a_checkpoint()
    {
        var dir = Directory.CreateTempSubdirectory("farcluss-run").FullName;
        try
        {
            using var trainer = new Trainer(Config(Variants.Farcluss), Tiny.Value);
            var result = trainer.Run(dir);
            Assert.InRange(result.TeacherTest.MeanIoU, 0, 1);
            Assert.Equal(11, result.TeacherTest.PerClassIoU.Length);
            var lines = File.ReadAllLines(Path.Combine(dir, "metrics.jsonl"));
            Assert.Contains(lines, l => l.Contains("\"kind\":\"train\""));
            Assert.Contains(lines, l => l.Contains("\"kind\":\"eval\""));
            var (model, header) = Checkpoint.LoadTeacher(Path.Combine(dir, "checkpoint.bin"), CPU);
            using var _ = model;
            Assert.Equal(4, header.Step);
            Assert.Equal(Weights(trainer.Teacher), Weights(model));
        }
        finally { Directory.Delete(dir, true); }
    }
}
