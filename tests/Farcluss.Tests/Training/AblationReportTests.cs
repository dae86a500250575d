using Farcluss.Config;
using Farcluss.Training;

namespace Farcluss.Tests.Training;

/// <summary>The gain lines of the results table (compare and ablate print them), against hand arithmetic.</summary>
public class AblationReportTests
{
    static AblationRun Run(string variant, int seed, double miou, double rarest) => new()
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
        var md = Ablation.ToMarkdown(report);
        // supervised: seed 0 +5.0, seed 1 +4.0 → mean +4.5; rarest +5.0 and 0.0 → +2.5.
        Assert.Contains("FARCLUSS − supervised: +4.5 mIoU, +2.5 rarest-three IoU (mean over 2 seeds; per seed: +5.0 (seed 0), +4.0 (seed 1)).", md);
        // hard has seed 0 only: +4.0 mIoU, 15 − 30 = −15.0 rarest.
        Assert.Contains("FARCLUSS − hard: +4.0 mIoU, -15.0 rarest-three IoU (mean over 1 seed; per seed: +4.0 (seed 0)).", md);
    }
}
