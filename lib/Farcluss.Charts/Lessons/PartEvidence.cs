using Farcluss.Training;

namespace Farcluss.Charts;

/// <summary>One FARCLUSS part's effect in one committed results file or search row: two rows that differ by that part, over the seeds both have.</summary>
/// <param name="Split">The split the gains are measured on: an ablation file's own (test), a search row's validation.</param>
/// <param name="MiouGain">Mean over those seeds of (with − without) mIoU, a fraction (0.005 = +0.5 points).</param>
/// <param name="RarestThreeGain">The same for the rarest-three IoU (NaN for a search row, which records no rarest classes).</param>
public sealed record PartEffect(string Part, string File, string With, string Without, int Seeds, string Split, double MiouGain, double RarestThreeGain);

/// <summary>
/// Where each of FARCLUSS's four parts measurably helps in the committed runs (issue 21: "each of fuzzy, weighting,
/// rebalancing and contrast adds ≥ +0.5 somewhere, or the lesson shows the runs where it did not"). A part is isolated by
/// two row pairs of <see cref="Farcluss.Config.Variants"/>: the ladder step that adds it, and FARCLUSS against FARCLUSS
/// without it (contrast has only its ladder step: FARCLUSS without contrast is the rebalance row). Read by lesson 07.
/// </summary>
public static class PartEvidence
{
    /// <summary>+0.5 mIoU points, the issue's bar for "helps".</summary>
    public const double Helps = 0.005;

    /// <summary>Each part with the row pairs that isolate it (with the part, without it).</summary>
    public static readonly IReadOnlyList<(string Part, string With, string Without)> Pairs =
    [
        ("fuzzy targets", "fuzzy", "hard"), ("fuzzy targets", "farcluss", "farcluss-no-fuzzy"),
        ("entropy weighting", "weight", "fuzzy"), ("entropy weighting", "farcluss", "farcluss-no-weight"),
        ("class rebalancing", "rebalance", "weight"), ("class rebalancing", "farcluss", "farcluss-no-rebalance"),
        ("prototype contrast", "farcluss", "rebalance"),
    ];

    /// <summary>Every pair that <paramref name="reports"/> hold with at least one seed in common, in <see cref="Pairs"/> order, file by file.</summary>
    public static IReadOnlyList<PartEffect> Effects(IEnumerable<(string File, AblationReport Report)> reports)
    {
        var effects = new List<PartEffect>();
        var all = reports.ToList();
        foreach (var (part, with, without) in Pairs)
            foreach (var (file, report) in all)
            {
                var paired = report.Runs.Where(r => r.Variant == with)
                    .Join(report.Runs.Where(r => r.Variant == without), r => r.Seed, r => r.Seed, (a, b) => (Miou: a.Miou - b.Miou, Rare: a.RarestThreeIou - b.RarestThreeIou))
                    .ToList();
                if (paired.Count > 0)
                    effects.Add(new PartEffect(part, file, with, without, paired.Count, report.Split, paired.Average(p => p.Miou), paired.Average(p => p.Rare)));
            }
        return effects;
    }

    /// <summary>
    /// The pairs in the search rows under <paramref name="searchFolder"/> (results/search/&lt;row&gt;/&lt;variant&gt;-s&lt;seed&gt;/metrics.jsonl,
    /// each row one documented variant of the preset with its config in results/search/configs/): the teacher's final
    /// validation mIoU, the split the search chooses on.
    /// </summary>
    public static IReadOnlyList<PartEffect> SearchEffects(string searchFolder)
    {
        var effects = new List<PartEffect>();
        if (!Directory.Exists(searchFolder)) return effects;
        foreach (var row in Directory.GetDirectories(searchFolder).OrderBy(d => d, StringComparer.Ordinal))
        {
            // Final validation mIoU of each run folder <variant>-s<seed> that has one, by (variant, seed).
            var finals = new Dictionary<(string Variant, int Seed), double>();
            foreach (var run in Directory.GetDirectories(row))
            {
                var name = System.Text.RegularExpressions.Regex.Match(Path.GetFileName(run), @"^(?<variant>.+)-s(?<seed>\d+)$");
                var metrics = Path.Combine(run, "metrics.jsonl");
                if (!name.Success || !File.Exists(metrics)) continue;
                var validation = RunCurves.Read(metrics).ValidationMiou;
                if (validation.Length > 0) finals[(name.Groups["variant"].Value, int.Parse(name.Groups["seed"].Value))] = validation[^1];
            }
            foreach (var (part, with, without) in Pairs)
            {
                var paired = finals.Where(f => f.Key.Variant == with && finals.ContainsKey((without, f.Key.Seed)))
                    .Select(f => f.Value - finals[(without, f.Key.Seed)]).ToList();
                if (paired.Count > 0)
                    effects.Add(new PartEffect(part, row, with, without, paired.Count, "validation", paired.Average(), double.NaN));
            }
        }
        return effects;
    }

    /// <summary>
    /// One paragraph per part: how many of its committed comparisons reach +0.5 mIoU, then each comparison, e.g.
    /// "prototype contrast: +0.5 mIoU or more in 0 of 1 committed comparison (it did not help by that much in any run committed here)"
    /// followed by "  results/ablation.json, farcluss − rebalance: +0.0 test mIoU, rarest three +0.2 (3 seeds)". Parts come in
    /// <see cref="Pairs"/> order, each part's comparisons in the order of <paramref name="effects"/>.
    /// </summary>
    public static string Describe(IReadOnlyList<PartEffect> effects, string? relativeTo = null, string? onlyPart = null)
    {
        var lines = new List<string>();
        foreach (var part in Pairs.Select(p => p.Part).Distinct().Where(p => onlyPart is null || p == onlyPart))
        {
            var mine = effects.Where(e => e.Part == part).ToList();
            if (mine.Count == 0) { lines.Add($"{part}: no committed results file holds a pair of rows that isolates it"); continue; }
            int helped = mine.Count(e => e.MiouGain >= Helps - 1e-12);
            lines.Add($"{part}: +0.5 mIoU or more in {helped} of {mine.Count} committed comparison{(mine.Count == 1 ? "" : "s")}" +
                      (helped == 0 ? " (it did not help by that much in any run committed here)" : ""));
            lines.AddRange(mine.Select(e =>
                $"  {(relativeTo is null ? e.File : Path.GetRelativePath(relativeTo, e.File))}, {e.With} − {e.Without}: " +
                $"{AblationReport.Signed(e.MiouGain)} {e.Split} mIoU" + (double.IsNaN(e.RarestThreeGain) ? "" : $", rarest three {AblationReport.Signed(e.RarestThreeGain)}") +
                $" ({e.Seeds} seed{(e.Seeds == 1 ? "" : "s")})"));
        }
        return string.Join("\n", lines);
    }

    /// <summary>
    /// What lessons 03–07 print: <see cref="Describe"/> over every ablation committed under results/
    /// (<see cref="CommittedResults.Ablations"/>, test split) and every search row under results/search/ (validation), for
    /// one part (a name of <see cref="Pairs"/>) or all four.
    /// </summary>
    public static string Committed(string repositoryRoot, string? part = null)
    {
        if (part is not null && Pairs.All(p => p.Part != part))
            throw new ArgumentException($"unknown part '{part}'; known: {string.Join(", ", Pairs.Select(p => p.Part).Distinct())}", nameof(part));
        var effects = Effects(CommittedResults.Ablations(repositoryRoot)).Concat(SearchEffects(Path.Combine(repositoryRoot, "results", "search")));
        return Describe(effects.OrderBy(e => Pairs.Select(p => p.Part).ToList().IndexOf(e.Part)).ToList(), repositoryRoot, part);
    }
}
