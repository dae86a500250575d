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
        var today = new AblationReport
            { Command = "", Preset = "workshop", ClassNames = [], RarestClasses = [], Split = "test", Config = Presets.Workshop };
        Assert.Empty(AblationReport.MergeDifferences(report, today));
        foreach (var variant in Variants.AblationNames)
            Assert.Equal([0, 1, 2], report.Runs.Where(r => r.Variant == variant).Select(r => r.Seed).Order());
    }

    [Fact]
    public void The_previous_presets_ablation_keeps_its_table_and_its_settings()
    {
        // results/ablation-w20.json: the preset until 2026-12 (width 20, λ_u = 1; issue 21 moved to width 16, λ_u 0.5).
        // Its file predates recorded configs, so only the method settings are compared.
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Results("ablation-w20.json"))));
        Assert.Contains($"Made from `ablation-w20.json`, SHA-256 `{sha}`.", File.ReadAllText(Results("ablation-w20.md")));
        var report = AblationReport.FromJson(File.ReadAllText(Results("ablation-w20.json")), Results("ablation-w20.json"));
        var november = Presets.Workshop with { Method = Presets.Workshop.Method with { UnsupervisedWeight = 1.0 } };
        var previous = new AblationReport
            { Command = "", Preset = "workshop", ClassNames = [], RarestClasses = [], Split = "test", Config = november };
        Assert.Empty(AblationReport.MergeDifferences(report, previous));
        Assert.Equal(27, report.Runs.Count);
    }
}
