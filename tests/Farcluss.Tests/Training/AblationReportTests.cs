using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Tests.Training;

/// <summary>The gain lines of the results table (compare and ablate print them), against hand arithmetic.</summary>
public class AblationReportTests
{
    /// <summary>A run with the given test mIoU and rarest-three IoU (also used by PartEvidenceTests).</summary>
    internal static AblationRun Run(string variant, int seed, double miou, double rarest) => new()
    {
        Variant = variant, Settings = Variants.Get(variant), Seed = seed, Miou = miou, PerClassIou = [miou, miou],
        StudentMiou = miou, RarestThreeIou = rarest, MsPerStep = 10, Steps = 100,
    };

    [Fact]
    public void The_table_states_farcluss_minus_each_baseline_over_the_seeds_both_have()
    {
        var report = new AblationReport
        {
            Command = "test", Preset = "workshop", ClassNames = ["background", "0"], RarestClasses = [1],
            Runs =
            [
                Run("supervised", 0, 0.40, 0.10), Run("supervised", 1, 0.42, 0.20),
                Run("hard", 0, 0.41, 0.30),
                Run("farcluss", 0, 0.45, 0.15), Run("farcluss", 1, 0.46, 0.20),
            ],
        };
        var md = AblationReport.ToMarkdown(report);
        // supervised: seed 0 +5.0, seed 1 +4.0 → mean +4.5; rarest +5.0 and 0.0 → +2.5.
        Assert.Contains("FARCLUSS − supervised: +4.5 mIoU, +2.5 rarest-three IoU (mean over 2 seeds; per seed: +5.0 (seed 0), +4.0 (seed 1)).", md);
        // hard has seed 0 only: +4.0 mIoU, 15 − 30 = −15.0 rarest.
        Assert.Contains("FARCLUSS − hard: +4.0 mIoU, -15.0 rarest-three IoU (mean over 1 seed; per seed: +4.0 (seed 0)).", md);
    }
}

public class SignedPointsTests
{
    [Theory]
    [InlineData(0.052, "+5.2")]
    [InlineData(-0.004, "-0.4")]
    [InlineData(-0.0004, "+0.0")] // rounds to zero: no "-0.0"
    [InlineData(0.0, "+0.0")]
    [InlineData(double.NaN, "–")]
    public void A_fraction_prints_as_signed_points(double fraction, string expected) => Assert.Equal(expected, AblationReport.Signed(fraction));
}

/// <summary>Issue 14, class 3: which runs may merge into a results file.</summary>
public class AblationMergeTests
{
    static AblationReport Report(TrainingConfig? config, string preset = "workshop", int steps = 100) => new()
    {
        Command = "test", Preset = preset, ClassNames = ["background", "0"], RarestClasses = [1], Config = config,
        Runs = config is null
            ? [new AblationRun { Variant = "supervised", Settings = Variants.Get("supervised"), Seed = 0, Miou = 0.5, PerClassIou = [0.5, 0.5],
                                 StudentMiou = 0.5, RarestThreeIou = 0.5, MsPerStep = 10, Steps = steps }]
            : [],
    };

    [Fact]
    public void RunsMergeOnlyWhenEverySettingThatChangesThemAgrees()
    {
        var config = new TrainingConfig { Steps = 100 };
        Assert.Empty(AblationReport.MergeDifferences(Report(config), Report(config with { Seed = 7, LogEvery = 1, Threads = 1, Device = "cpu" })));
        Assert.Equal(["optimizer.learning_rate: 0.001 → 0.01", "steps: 100 → 2"], // in the config's order
            AblationReport.MergeDifferences(Report(config), Report(config with { Steps = 2, Optimizer = new OptimizerSettings { LearningRate = 0.01 } })));
        Assert.Equal(["report split: test → validation"],
            AblationReport.MergeDifferences(Report(config), Report(config) with { Split = "validation" }));
    }

    [Fact]
    public void AFileWithoutARecordedConfigIsComparedOnWhatItRecords()
    {
        // Written before configs were recorded: preset name, each run's steps and each variant's method settings.
        var config = new TrainingConfig { Steps = 100 };
        Assert.Empty(AblationReport.MergeDifferences(Report(null), Report(config)));
        Assert.Equal(["preset: workshop → smoke", "steps: 100 → 2"],
            AblationReport.MergeDifferences(Report(null), Report(config with { Steps = 2 }, preset: "smoke")));
        Assert.Equal(["supervised: method.warmup_fraction: 0 → 0.5"],
            AblationReport.MergeDifferences(Report(null), Report(config with { Method = new MethodSettings { WarmupFraction = 0.5 } })));
    }
}
