using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Charts;

/// <summary>
/// What a confidence threshold τ throws away (lesson 02): the share of pixels whose teacher
/// confidence max_c p_c is below τ, per true class and for edge versus interior pixels
/// (<see cref="Regions.EdgeMask"/>), and how often the teacher's argmax is wrong among the
/// pixels kept and among those discarded. Measured against the hidden masks of unlabeled
/// canvases, which only diagnostics may read.
/// </summary>
public sealed record ThresholdDiscard(
    double Threshold,
    long[] PixelsByClass,
    double[] DiscardedByClass,
    double DiscardedEdge,
    double DiscardedInterior,
    double Discarded,
    double ErrorAmongKept,
    double ErrorAmongDiscarded)
{
    /// <param name="teacherProbs">[B, C, H, W] teacher probabilities.</param>
    /// <param name="trueMasks">[B, H, W] true labels (255 = ignore, not counted).</param>
    /// <param name="threshold">τ.</param>
    public static ThresholdDiscard Measure(Tensor teacherProbs, Tensor trueMasks, double threshold)
    {
        using var scope = NewDisposeScope();
        int numClasses = (int)teacherProbs.shape[1];
        var masks = trueMasks.to_type(ScalarType.Int64);
        var valid = masks.ne(Labels.Ignore);
        var (confidence, predicted) = teacherProbs.max(1);
        var discarded = confidence.lt(threshold).logical_and(valid);
        var kept = confidence.ge(threshold).logical_and(valid);
        var wrong = predicted.ne(masks).logical_and(valid);
        var edge = Regions.EdgeMask(masks);
        var interior = valid.logical_and(edge.logical_not());

        var classes = masks.masked_select(valid);
        var pixels = bincount(classes, minlength: numClasses).data<long>().ToArray();
        var discardedPixels = bincount(masks.masked_select(discarded), minlength: numClasses).data<long>().ToArray();
        double Share(Tensor part, Tensor whole)
        {
            double total = whole.sum().item<long>();
            return total == 0 ? double.NaN : part.logical_and(whole).sum().item<long>() / total;
        }
        return new ThresholdDiscard(
            threshold,
            pixels,
            pixels.Select((n, c) => n == 0 ? double.NaN : (double)discardedPixels[c] / n).ToArray(),
            Share(discarded, edge),
            Share(discarded, interior),
            Share(discarded, valid),
            Share(wrong, kept),
            Share(wrong, discarded));
    }

    /// <summary>
    /// One line for a lesson: what τ discards, and how often the teacher is wrong among the pixels kept and those discarded.
    /// A group with no pixel (nothing kept: a weak teacher is never that confident) says so instead of "NaN%".
    /// </summary>
    public string Describe()
    {
        static string Percent(double share) => double.IsFinite(share) ? $"{100 * share:F1}%" : "–";
        string kept = double.IsFinite(ErrorAmongKept) ? $"wrong among kept {Percent(ErrorAmongKept)}"
            : "no pixel kept (the teacher is never this confident), so none wrong among kept";
        string dropped = double.IsFinite(ErrorAmongDiscarded) ? $"among discarded {Percent(ErrorAmongDiscarded)}" : "none discarded";
        return $"τ = {Threshold}: {Percent(Discarded)} of pixels discarded (edges {Percent(DiscardedEdge)}, interiors {Percent(DiscardedInterior)}); {kept}, {dropped}";
    }
}

public static partial class LessonCharts
{
    /// <summary>Lesson 02: % of pixels discarded per true class, and for edges, interiors and all pixels, one bar colour per τ.</summary>
    public static GenericChart ThresholdDiscard(IReadOnlyList<ThresholdDiscard> measurements, IReadOnlyList<string> classNames)
    {
        var traces = new List<Trace>();
        for (int i = 0; i < measurements.Count; i++)
        {
            var m = measurements[i];
            string name = $"τ = {m.Threshold:0.##}";
            string color = Plot.SeriesColor(i); // the same in both panels, so the legend names the bars on the right too
            var byClass = Plot.Bar(name, classNames, m.DiscardedByClass.Select(v => 100 * v), color: color).InSubplot(1);
            byClass.SetProperty("legendgroup", name);
            var byRegion = Plot.Bar(name, ["edges", "interiors", "all pixels"],
                new[] { m.DiscardedEdge, m.DiscardedInterior, m.Discarded }.Select(v => 100 * v), color: color).InSubplot(2);
            byRegion.SetProperty("legendgroup", name);
            byRegion.SetProperty("showlegend", false);
            traces.Add(byClass);
            traces.Add(byRegion);
        }
        var extra = Plot.Grid(1, 2, ["discarded, by true class (%)", "discarded, by region (%)"]);
        extra["barmode"] = "group";
        extra["height"] = 420;
        extra["yaxis"] = Plot.AxisTitle("% of the class's pixels below τ");
        extra["xaxis"] = Plot.CategoryAxis(classNames, "true class");
        extra["xaxis2"] = Plot.CategoryAxis(["edges", "interiors", "all pixels"], "pixels of the hidden masks");
        extra["yaxis2"] = Plot.AxisTitle("% of the region's pixels below τ");
        return Plot.Chart(traces, Plot.Layout("What a confidence threshold throws away", extra: extra));
    }
}
