using Farcluss.Data;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// How the classes of one split are balanced: pixels per class (and their share of the split's
/// valid pixels) and canvases containing each class. Lesson 00 charts labeled against unlabeled.
/// </summary>
public sealed record ClassBalance(string Split, int Canvases, long[] Pixels, double[] PixelShare, long[] CanvasesWithClass)
{
    /// <summary>Counts a split's masks (255 counts nowhere).</summary>
    public static ClassBalance Of(SegmentationSplit split, int numClasses, string? name = null)
    {
        var pixels = split.ClassPixelCounts(numClasses);
        long total = pixels.Sum();
        var share = pixels.Select(p => total == 0 ? double.NaN : (double)p / total).ToArray();
        return new ClassBalance(name ?? split.Name, split.Count, pixels, share, split.ClassImageCounts(numClasses));
    }

    /// <summary>Canvases containing each class as a share of the split's canvases.</summary>
    public double[] CanvasShare => CanvasesWithClass.Select(n => Canvases == 0 ? double.NaN : (double)n / Canvases).ToArray();
}

public static partial class LessonCharts
{
    /// <summary>
    /// Lesson 00: per class, the share of pixels (log axis: background dwarfs the digits) and the
    /// share of canvases containing the class, one bar colour per split. Hover shows raw counts (as labels on the bars
    /// they are too small to read).
    /// </summary>
    public static GenericChart ClassBalance(IReadOnlyList<ClassBalance> splits, IReadOnlyList<string> classNames)
    {
        var traces = new List<Trace>();
        string[] colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];
        for (int s = 0; s < splits.Count; s++)
        {
            var split = splits[s];
            var pixels = Plot.Bar(split.Split, classNames, split.PixelShare.Select(v => 100 * v), color: colors[s % colors.Length]).InSubplot(1);
            pixels.SetProperty("legendgroup", split.Split);
            pixels.SetProperty("hovertext", split.Pixels.Select(p => $"{p:N0} px").ToArray());
            var canvases = Plot.Bar(split.Split, classNames, split.CanvasShare.Select(v => 100 * v), color: colors[s % colors.Length]).InSubplot(2);
            canvases.SetProperty("legendgroup", split.Split);
            canvases.SetProperty("showlegend", false);
            canvases.SetProperty("hovertext", split.CanvasesWithClass.Select(n => $"{n} of {split.Canvases}").ToArray());
            traces.Add(pixels);
            traces.Add(canvases);
        }
        var extra = Plot.Grid(1, 2, ["pixels of the class (% of valid pixels, log scale)", "canvases containing the class (%)"]);
        extra["yaxis"] = Plot.LogAxis("% of pixels (log)");
        extra["yaxis2"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "% of canvases" } };
        extra["xaxis"] = Plot.CategoryAxis(classNames, "class");
        extra["xaxis2"] = Plot.CategoryAxis(classNames, "class");
        extra["barmode"] = "group";
        extra["height"] = 420;
        return Plot.Chart(traces, Plot.Layout("Class balance of M2NIST-LT", extra: extra));
    }
}
