using System.Security.Cryptography;
using Farcluss.Config;
using Farcluss.Tests.Data;
using Farcluss.Training;

namespace Farcluss.Tests.Training;

/// <summary>
/// The committed results say what they are (issue 14, class 3): results/ablation.md is the table of exactly the
/// committed results/ablation.json, and that JSON was made at today's workshop preset. A kill between ablate's two
/// writes, a hand edit of one file, or a change of the preset without a re-run fails here instead of shipping.
/// </summary>
public class CommittedResultsTests
{
    static string Results(string name) => Path.Combine(MnistTestData.RepoRoot(), "results", name);

    [Fact]
    public void The_table_names_the_SHA256_of_the_committed_JSON()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Results("ablation.json"))));
        Assert.Contains($"Made from `ablation.json`, SHA-256 `{sha}`.", File.ReadAllText(Results("ablation.md")));
    }

    [Fact]
    public void The_committed_ablation_was_made_at_the_preset_it_names_with_every_row_and_three_seeds()
    {
        var report = AblationReport.FromJson(File.ReadAllText(Results("ablation.json")), Results("ablation.json"));
        // results/ablation.json is the ablation of the preset until 2026-12: width 20 (its file predates recorded
        // configs, so the width is not compared) and λ_u = 1; today's preset halves λ_u (search row r34).
        var november = Presets.Workshop with { Method = Presets.Workshop.Method with { UnsupervisedWeight = 1.0 } };
        var today = new AblationReport
            { Command = "", Preset = "workshop", ClassNames = [], RarestClasses = [], Split = "test", Config = november };
        Assert.Empty(AblationReport.MergeDifferences(report, today));
        foreach (var variant in Variants.AblationNames)
            Assert.Equal([0, 1, 2], report.Runs.Where(r => r.Variant == variant).Select(r => r.Seed).Order());
    }
}
