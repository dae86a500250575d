using Farcluss.Charts;
using Farcluss.Training;

namespace Farcluss.Tests.Charts;

/// <summary>Lesson 07's "where each part helps" lines (issue 21), against differences computed by hand.</summary>
public class PartEvidenceTests
{
    static AblationRun Run(string variant, int seed, double miou, double rarest) => Training.AblationReportTests.Run(variant, seed, miou, rarest);

    static AblationReport Report(params AblationRun[] runs) => new()
        { Command = "test", Preset = "workshop", ClassNames = ["background", "0"], RarestClasses = [1], Runs = runs.ToList() };

    [Fact]
    public void Each_part_is_compared_over_the_seeds_both_rows_have_and_a_part_that_never_helps_is_said_so()
    {
        var a = Report(
            Run("hard", 0, 0.40, 0.10), Run("hard", 1, 0.42, 0.12),
            Run("fuzzy", 0, 0.43, 0.11), Run("fuzzy", 1, 0.44, 0.10),
            Run("weight", 0, 0.435, 0.11),
            Run("rebalance", 0, 0.45, 0.20),
            Run("farcluss", 0, 0.452, 0.25), Run("farcluss", 1, 0.47, 0.30)); // seed 1 has no rebalance row: not paired
        var b = Report(Run("rebalance", 2, 0.40, 0.05), Run("farcluss", 2, 0.40, 0.05), Run("farcluss-no-rebalance", 2, 0.415, 0.02));

        var text = PartEvidence.Describe(PartEvidence.Effects([("/r/A.json", a), ("/r/B.json", b)]), "/r");

        // fuzzy − hard: seed 0 +3.0, seed 1 +2.0 → +2.5; rarest +1.0 and −2.0 → −0.5. weight − fuzzy: 43.5 − 43.0 = +0.5,
        // exactly the bar. rebalance − weight: 45.0 − 43.5 = +1.5, rarest 20 − 11 = +9.0; in B, FARCLUSS without
        // rebalancing is higher: 40.0 − 41.5 = −1.5, rarest 5 − 2 = +3.0. Contrast: 45.2 − 45.0 = +0.2 and 40 − 40 = 0.
        Assert.Equal(string.Join("\n",
            "fuzzy targets: +0.5 mIoU or more in 1 of 1 committed comparison",
            "  A.json, fuzzy − hard: +2.5 test mIoU, rarest three -0.5 (2 seeds)",
            "entropy weighting: +0.5 mIoU or more in 1 of 1 committed comparison",
            "  A.json, weight − fuzzy: +0.5 test mIoU, rarest three +0.0 (1 seed)",
            "class rebalancing: +0.5 mIoU or more in 1 of 2 committed comparisons",
            "  A.json, rebalance − weight: +1.5 test mIoU, rarest three +9.0 (1 seed)",
            "  B.json, farcluss − farcluss-no-rebalance: -1.5 test mIoU, rarest three +3.0 (1 seed)",
            "prototype contrast: +0.5 mIoU or more in 0 of 2 committed comparisons (it did not help by that much in any run committed here)",
            "  A.json, farcluss − rebalance: +0.2 test mIoU, rarest three +5.0 (1 seed)",
            "  B.json, farcluss − rebalance: +0.0 test mIoU, rarest three +0.0 (1 seed)"), text);
    }

    [Fact]
    public void A_search_row_pairs_its_runs_by_seed_on_the_final_validation_mIoU()
    {
        var search = Directory.CreateTempSubdirectory("farcluss-parts-");
        try
        {
            void Run(string row, string run, params double[] validation)
            {
                var folder = Directory.CreateDirectory(Path.Combine(search.FullName, row, run)).FullName;
                File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), validation.Select((v, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{{\"kind\":\"eval\",\"eval\":{{\"split\":\"validation\",\"model\":\"teacher\",\"step\":{600 * (i + 1)},\"mean_io_u\":{v},\"per_class_io_u\":[{v}]}}}}")));
            }
            Run("r1-fewer-labels", "rebalance-s0", 0.30, 0.40);
            Run("r1-fewer-labels", "farcluss-s0", 0.31, 0.412);
            Run("r1-fewer-labels", "farcluss-s1", 0.50);               // no rebalance-s1: not paired
            Run("r2-other", "farcluss-no-fuzzy-s0", 0.45);
            Run("r2-other", "farcluss-s0", 0.448);

            // The last validation value counts: 41.2 − 40.0 = +1.2 (not 31 − 30); r2: 44.8 − 45.0 = −0.2.
            var effects = PartEvidence.SearchEffects(search.FullName);
            Assert.Equal(string.Join("\n",
                "fuzzy targets: +0.5 mIoU or more in 0 of 1 committed comparison (it did not help by that much in any run committed here)",
                "  r2-other, farcluss − farcluss-no-fuzzy: -0.2 validation mIoU (1 seed)"), PartEvidence.Describe(effects, search.FullName, "fuzzy targets"));
            Assert.Equal(string.Join("\n",
                "prototype contrast: +0.5 mIoU or more in 1 of 1 committed comparison",
                "  r1-fewer-labels, farcluss − rebalance: +1.2 validation mIoU (1 seed)"), PartEvidence.Describe(effects, search.FullName, "prototype contrast"));
        }
        finally { search.Delete(recursive: true); }
    }

    [Fact]
    public void A_part_without_a_pair_of_rows_is_named_not_skipped()
    {
        var text = PartEvidence.Describe(PartEvidence.Effects([("/r/C.json", Report(Run("supervised", 0, 0.4, 0.1), Run("farcluss", 0, 0.5, 0.2)))]), "/r");
        Assert.Equal(string.Join("\n",
            "fuzzy targets: no committed results file holds a pair of rows that isolates it",
            "entropy weighting: no committed results file holds a pair of rows that isolates it",
            "class rebalancing: no committed results file holds a pair of rows that isolates it",
            "prototype contrast: no committed results file holds a pair of rows that isolates it"), text);
    }
}
