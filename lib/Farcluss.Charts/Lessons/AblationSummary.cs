using Farcluss.Config;
using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>One variant of an ablation over seeds: mean and sample standard deviation (NaN for one seed) of its test mIoU and rarest-three IoU.</summary>
public sealed record AblationRow(string Variant, int Seeds, double Miou, double MiouStd, double RarestThreeIou, double RarestThreeIouStd, double MsPerStep);

/// <summary>
/// Summarises an <see cref="AblationReport"/> per variant (lesson 07), in the ladder's order
/// (<see cref="Variants.All"/>: supervised, hard, fuzzy, weight, rebalance, farcluss, then the
/// leave-one-out rows), whatever order the runs were made in; other names follow in the order they first appear.
/// </summary>
public static class AblationSummary
{
    public static IReadOnlyList<AblationRow> Rows(AblationReport report) =>
        report.Runs.GroupBy(r => r.Variant).OrderBy(g => LadderPosition(g.Key)).Select(g =>
        {
            var runs = g.ToList();
            var (miou, miouStd) = MeanStd(runs.Select(r => r.Miou));
            var (rare, rareStd) = MeanStd(runs.Select(r => r.RarestThreeIou));
            return new AblationRow(g.Key, runs.Count, miou, miouStd, rare, rareStd, runs.Average(r => r.MsPerStep));
        }).ToList();

    /// <summary>A variant's place in <see cref="Variants.All"/>; names not there come after, in a stable order.</summary>
    public static int LadderPosition(string variant)
    {
        for (int i = 0; i < Variants.All.Count; i++)
            if (Variants.All[i].Name == variant) return i;
        return int.MaxValue;
    }

    /// <summary>Mean and sample standard deviation (n − 1) of the finite values; NaN std for fewer than two.</summary>
    public static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToArray();
        if (v.Length == 0) return (double.NaN, double.NaN);
        double mean = v.Average();
        double std = v.Length < 2 ? double.NaN : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std);
    }
}

public static partial class LessonCharts
{
    /// <summary>Lesson 07: test mIoU and rarest-three IoU (%) per variant, with ± std over seeds as error bars; the number of
    /// seeds is in each mIoU bar's hover text (as a label inside the bar it collided with the error bars).</summary>
    public static GenericChart Ablation(string title, IReadOnlyList<AblationRow> rows)
    {
        var names = rows.Select(r => r.Variant).ToArray();
        var miou = Plot.Bar("mIoU", names, rows.Select(r => 100 * r.Miou), rows.Select(r => 100 * r.MiouStd));
        miou.SetProperty("hovertext", rows.Select(r => $"{r.Seeds} seed(s)").ToArray());
        var rare = Plot.Bar("rarest-three IoU", names, rows.Select(r => 100 * r.RarestThreeIou), rows.Select(r => 100 * r.RarestThreeIouStd));
        return Plot.Chart([miou, rare], Plot.Layout(title, yTitle: "test IoU of the teacher (%)",
            extra: new Dictionary<string, object> { ["barmode"] = "group", ["height"] = 430, ["xaxis"] = Plot.CategoryAxis(names, "variant (ladder order)") }));
    }

    /// <summary>Lessons 01, 05, 07: per-class IoU (%) of several runs side by side.</summary>
    public static GenericChart PerClassIou(string title, IReadOnlyList<(string Name, double[] Iou)> runs, IReadOnlyList<string> classNames)
    {
        var traces = runs.Select(r => (Trace)Plot.Bar(r.Name, classNames, r.Iou.Select(v => 100 * v))).ToList();
        return Plot.Chart(traces, Plot.Layout(title, yTitle: "test IoU (%)",
            extra: new Dictionary<string, object> { ["barmode"] = "group", ["height"] = 420, ["xaxis"] = Plot.CategoryAxis(classNames, "class") }));
    }
}
