using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// A live arm of a lesson's comparison (one seed, a few hundred steps from the shared teacher) and the committed
/// ablation row that measures the same component over whole runs and several seeds.
/// </summary>
/// <param name="Name">What the lesson calls the arm ("with: hard, τ = 0.95").</param>
/// <param name="Miou">Its test mIoU (0–1), measured live.</param>
/// <param name="Variant">The committed ablation's row for the same component (<see cref="Farcluss.Config.Variants"/>), or null for none.</param>
public sealed record LiveArm(string Name, double Miou, string? Variant = null);

public static partial class CommittedResults
{
    /// <summary>
    /// One line naming the committed rows the lesson's comparison stands for, with their mean ± std over seeds, read from
    /// <paramref name="report"/> (results/ablation.json), or why there are none. Lessons 02–05 and 07 print it beside their live runs.
    /// </summary>
    public static string Describe(AblationReport? report, IEnumerable<string> variants)
    {
        if (report is null) return "no committed ablation (results/ablation.json) to compare with: ./farcluss ablate --seeds 0,1,2 writes it";
        var rows = AblationSummary.Rows(report);
        var found = variants.Distinct().Select(v => rows.FirstOrDefault(r => r.Variant == v)).OfType<AblationRow>().ToList();
        if (found.Count == 0) return $"results/ablation.json has none of the rows {string.Join(", ", variants)} yet";
        int steps = report.Runs.Where(r => found.Any(f => f.Variant == r.Variant)).Select(r => r.Steps).DefaultIfEmpty(0).Max();
        return $"committed, results/ablation.json ({report.Preset} preset, whole runs of {steps} steps, {report.Split} mIoU of the teacher, mean ± std over seeds): " +
               string.Join("; ", found.Select(r => $"{r.Variant} {100 * r.Miou:F1}" + (double.IsFinite(r.MiouStd) ? $" ± {100 * r.MiouStd:F1}%" : "%") + $" ({r.Seeds} seed{(r.Seeds == 1 ? "" : "s")})"));
    }
    /// <summary>
    /// One line comparing two committed rows, read from <paramref name="report"/>: the difference in mean mIoU and
    /// rarest-three IoU (points), and per seed that both rows have, e.g.
    /// "farcluss − supervised: mIoU +5.5 points (49.0 against 43.5; per seed +4.6, +4.7, +7.3), rarest three +7.3".
    /// Lesson 07 prints these so its prose quotes no number.
    /// </summary>
    public static string Compare(AblationReport report, string variant, string baseline)
    {
        var rows = AblationSummary.Rows(report);
        var a = rows.FirstOrDefault(r => r.Variant == variant);
        var b = rows.FirstOrDefault(r => r.Variant == baseline);
        if (a is null || b is null) return $"{variant} − {baseline}: results/ablation.json lacks {(a is null ? variant : baseline)}";
        var perSeed = report.Runs.Where(r => r.Variant == variant)
            .Join(report.Runs.Where(r => r.Variant == baseline), r => r.Seed, r => r.Seed, (x, y) => (x.Seed, Gain: x.Miou - y.Miou))
            .OrderBy(p => p.Seed).ToList();
        int above = perSeed.Count(p => p.Gain > 0);
        return $"{variant} − {baseline}: mIoU {AblationReport.Signed(a.Miou - b.Miou)} points ({100 * a.Miou:F1} against {100 * b.Miou:F1}" +
               (perSeed.Count > 1 ? $"; per seed {string.Join(", ", perSeed.Select(p => AblationReport.Signed(p.Gain)))}, higher on {above} of {perSeed.Count}" : "") +
               $"), rarest three {AblationReport.Signed(a.RarestThreeIou - b.RarestThreeIou)} ({100 * a.RarestThreeIou:F1} against {100 * b.RarestThreeIou:F1})";
    }
}

public static partial class LessonCharts
{
    /// <summary>
    /// Lessons 02–05 and 07: one chart of test mIoU with a live demo's arms (left, one seed, a few hundred steps) beside the
    /// committed ablation's rows for the same components (right, whole runs, mean ± std over seeds as error bars), so a
    /// learner reads the live difference against the measured one. <paramref name="liveLabel"/> says how the live arms were run.
    /// </summary>
    public static GenericChart LiveBesideCommitted(string title, string liveLabel, IReadOnlyList<LiveArm> live, AblationReport? committed)
    {
        var rows = committed is null ? [] : AblationSummary.Rows(committed);
        var found = live.Where(a => a.Variant is not null).Select(a => a.Variant!).Distinct()
            .Select(v => rows.FirstOrDefault(r => r.Variant == v)).OfType<AblationRow>().ToList();
        var categories = live.Select(a => $"live: {a.Name}").Concat(found.Select(r => $"committed: {r.Variant}")).ToArray();
        var gaps = Enumerable.Repeat(double.NaN, found.Count);
        var traces = new List<Trace>
        {
            Plot.Bar(liveLabel, categories, live.Select(a => 100 * a.Miou).Concat(gaps), color: Plot.SeriesColor(0)),
        };
        if (found.Count > 0)
        {
            int steps = committed!.Runs.Where(r => found.Any(f => f.Variant == r.Variant)).Select(r => r.Steps).DefaultIfEmpty(0).Max();
            int seeds = found.Max(r => r.Seeds);
            traces.Add(Plot.Bar($"committed: results/ablation.json, whole runs of {steps} steps, mean ± std over {seeds} seed(s)", categories,
                Enumerable.Repeat(double.NaN, live.Count).Concat(found.Select(r => 100 * r.Miou)),
                Enumerable.Repeat(double.NaN, live.Count).Concat(found.Select(r => 100 * r.MiouStd)), color: Plot.SeriesColor(1)));
        }
        var xAxis = Plot.CategoryAxis(categories, "run: the live demo, then the committed rows");
        xAxis["automargin"] = true; // rotated run names (the ladder's twelve) would otherwise run into the axis title
        var extra = new Dictionary<string, object>
        {
            ["barmode"] = "overlay", ["height"] = 500, ["xaxis"] = xAxis,
            // Above the plot: rotated run names fill the space below it.
            ["legend"] = new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["xanchor"] = "left", ["y"] = 1.02, ["yanchor"] = "bottom" },
            ["margin"] = new Dictionary<string, object> { ["t"] = 120 },
        };
        return Plot.Chart(traces, Plot.Layout(title, yTitle: "test mIoU of the teacher (%)", extra: extra));
    }
}
