using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Charts;

/// <summary>What a picture panel shows, which decides its colours.</summary>
public enum PanelKind
{
    /// <summary>A greyscale canvas (any range; drawn black to white).</summary>
    Image,
    /// <summary>A label mask: one colour per class, 255 (ignore) left blank.</summary>
    Mask,
    /// <summary>A map of values in [0, 1] (entropy, weight, confidence): Viridis.</summary>
    Heat,
}

/// <summary>One picture of a grid: a title and its rows of values (row 0 at the top).</summary>
public sealed record Panel(string Title, double?[][] Z, PanelKind Kind);

/// <summary>
/// Turns image, mask and per-pixel map tensors into rows of numbers for heatmap pictures
/// (canvases beside masks in lesson 00, confidence in 02, entropy and weight maps in 04).
/// </summary>
public static class Pictures
{
    /// <summary>A [H, W] (or [1, H, W]) tensor as rows of values; <paramref name="blank"/> values become null.</summary>
    public static double?[][] Rows(Tensor map, double? blank = null)
    {
        using var scope = NewDisposeScope();
        var plane = map.dim() == 3 ? map[0] : map;
        if (plane.dim() != 2) throw new ArgumentException($"expected a [H, W] or [1, H, W] tensor, got [{string.Join(", ", map.shape)}]");
        int height = (int)plane.shape[0], width = (int)plane.shape[1];
        var values = plane.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var rows = new double?[height][];
        for (int y = 0; y < height; y++)
        {
            rows[y] = new double?[width];
            for (int x = 0; x < width; x++)
            {
                double v = values[y * width + x];
                rows[y][x] = !double.IsFinite(v) || (blank is not null && v == blank.Value) ? null : v;
            }
        }
        return rows;
    }

    public static Panel Image(string title, Tensor image) => new(title, Rows(image), PanelKind.Image);

    /// <summary>A mask panel: 255 (ignore) is blank.</summary>
    public static Panel Mask(string title, Tensor mask) => new(title, Rows(mask, Labels.Ignore), PanelKind.Mask);

    public static Panel Heat(string title, Tensor map) => new(title, Rows(map), PanelKind.Heat);
}

public static partial class LessonCharts
{
    /// <summary>
    /// A grid of pictures, <paramref name="columns"/> per row: canvases in grey, masks in class
    /// colours (255 blank) with a colour key naming every class beside the grid, maps in Viridis on
    /// [0, 1] with one colour bar. <c>classNames</c> names the key's entries and is required with a mask panel.
    /// </summary>
    public static GenericChart Pictures(string title, IReadOnlyList<Panel> panels, int columns, int numClasses = 11, int panelSize = 170,
        IReadOnlyList<string>? classNames = null)
    {
        int rows = (panels.Count + columns - 1) / columns;
        var traces = new List<Trace>();
        bool scaleShown = false;
        for (int i = 0; i < panels.Count; i++)
        {
            var panel = panels[i];
            Trace2D trace = panel.Kind switch
            {
                PanelKind.Image => Plot.Heatmap(panel.Title, panel.Z, "Greys", showScale: false),
                PanelKind.Mask => Plot.Heatmap(panel.Title, panel.Z, Plot.ClassColorscale(numClasses), -0.5, numClasses - 0.5, showScale: false),
                _ => Plot.Heatmap(panel.Title, panel.Z, "Viridis", 0, 1, showScale: !scaleShown),
            };
            if (panel.Kind == PanelKind.Heat) scaleShown = true;
            traces.Add(trace.InSubplot(i + 1));
        }
        bool key = panels.Any(p => p.Kind == PanelKind.Mask);
        if (key && (classNames is null || classNames.Count < numClasses))
            throw new ArgumentException($"a mask picture needs the names of its {numClasses} classes for its colour key " +
                                        "(pass classNames: data.ClassNames); \"class 8\" would not say that yellow is digit 7", nameof(classNames));
        if (key) traces.AddRange(ClassKey(numClasses, classNames!));
        var extra = Plot.Grid(rows, columns, panels.Select(p => p.Title).ToArray(), image: true);
        // The key runs in one row under the pictures, clear of the heat maps' colour bar on the right.
        extra["height"] = rows * panelSize + 90 + (key ? 50 : 0);
        extra["width"] = Math.Max(columns * panelSize + 120, key ? 90 + 62 * numClasses : 0);
        extra["margin"] = new Dictionary<string, object> { ["l"] = 10, ["r"] = 10, ["t"] = 70, ["b"] = key ? 60 : 10 };
        extra["showlegend"] = key;
        if (key)
            extra["legend"] = new Dictionary<string, object>
            {
                ["title"] = new Dictionary<string, object> { ["text"] = "mask colours:" },
                ["orientation"] = "h", ["x"] = 0, ["xanchor"] = "left", ["y"] = 0, ["yanchor"] = "top",
                ["itemsizing"] = "constant", ["itemclick"] = false, ["itemdoubleclick"] = false,
            };
        return Plot.Chart(traces, Plot.Layout(title, extra: extra));
    }

    /// <summary>
    /// One legend entry per class in its mask colour: marker traces with no points (nothing is drawn on
    /// the pictures), so the legend is the key. Blank mask pixels are ignored (255).
    /// </summary>
    static IEnumerable<Trace> ClassKey(int numClasses, IReadOnlyList<string> classNames)
    {
        for (int c = 0; c < numClasses; c++)
        {
            var entry = new Trace2D("scatter");
            entry.SetProperty("name", classNames[c]);
            entry.SetProperty("mode", "markers");
            entry.SetProperty("x", new double?[] { null });
            entry.SetProperty("y", new double?[] { null });
            entry.SetProperty("marker", new Dictionary<string, object> { ["color"] = Plot.ClassColor(c), ["symbol"] = "square", ["size"] = 12 });
            entry.SetProperty("hoverinfo", "skip");
            yield return entry;
        }
    }
}
