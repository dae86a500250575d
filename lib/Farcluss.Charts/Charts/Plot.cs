using Microsoft.FSharp.Collections;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// The few plotly.js building blocks the lesson charts use, written as plotly.js attributes
/// (plotly.js names, so its reference documentation applies as is) on Plotly.NET's dynamic
/// trace and layout objects. NaN becomes null, which plotly.js draws as a gap.
/// </summary>
public static class Plot
{
    /// <summary>Colours of classes 0, 1, 2, ...: background grey, then plotly's ten qualitative colours (cycled).</summary>
    public static readonly IReadOnlyList<string> ClassColors =
        ["#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#393b79"];

    /// <summary>Colour of class <paramref name="c"/> (cycles after <see cref="ClassColors"/>).</summary>
    public static string ClassColor(int c) => ClassColors[c % ClassColors.Count];

    /// <summary>
    /// Colours of series that are not classes (τ values, splits, arms of a comparison), in order: plotly's qualitative
    /// colours. A chart that draws one series in two panels gives both traces <see cref="SeriesColor"/> explicitly: left to
    /// plotly.js, every trace takes the next colour, so the second panel's bars would not match the legend.
    /// </summary>
    public static readonly IReadOnlyList<string> SeriesColors =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>Colour of series <paramref name="i"/> (cycles after <see cref="SeriesColors"/>).</summary>
    public static string SeriesColor(int i) => SeriesColors[i % SeriesColors.Count];

    /// <summary>NaN and infinities → null (a gap in plotly.js), other values unchanged.</summary>
    public static double? Value(double v) => double.IsFinite(v) ? v : null;

    public static double?[] Values(IEnumerable<double> values) => values.Select(Value).ToArray();

    /// <summary>A bar trace (vertical). <paramref name="error"/>: symmetric error bars, e.g. a std over seeds.</summary>
    public static Trace2D Bar(string name, IEnumerable<string> x, IEnumerable<double> y, IEnumerable<double>? error = null, string? color = null)
    {
        var trace = new Trace2D("bar");
        trace.SetProperty("name", name);
        trace.SetProperty("x", x.ToArray());
        trace.SetProperty("y", Values(y));
        if (error is not null) trace.SetProperty("error_y", new Dictionary<string, object> { ["type"] = "data", ["array"] = Values(error), ["visible"] = true });
        if (color is not null) trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = color });
        return trace;
    }

    /// <summary>A line (with markers) trace; x may be numbers or category names.</summary>
    public static Trace2D Line<TX>(string name, IEnumerable<TX> x, IEnumerable<double> y, string? color = null, string? dash = null)
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("name", name);
        trace.SetProperty("mode", "lines+markers");
        trace.SetProperty("x", x.ToArray());
        trace.SetProperty("y", Values(y));
        var line = new Dictionary<string, object>();
        if (color is not null) line["color"] = color;
        if (dash is not null) line["dash"] = dash;
        if (line.Count > 0) trace.SetProperty("line", line);
        return trace;
    }

    /// <summary>A scatter of points.</summary>
    public static Trace2D Points(string name, IEnumerable<double> x, IEnumerable<double> y, string? color = null, int size = 5)
    {
        var trace = new Trace2D("scatter");
        trace.SetProperty("name", name);
        trace.SetProperty("mode", "markers");
        trace.SetProperty("x", x.ToArray());
        trace.SetProperty("y", Values(y));
        var marker = new Dictionary<string, object> { ["size"] = size };
        if (color is not null) marker["color"] = color;
        trace.SetProperty("marker", marker);
        return trace;
    }

    /// <summary>
    /// A heatmap of z[row][column] (row 0 at the top when the axis is reversed). <paramref name="colorscale"/>
    /// is a plotly.js name ("Viridis", "Greys") or a list of [position, colour] pairs.
    /// </summary>
    public static Trace2D Heatmap(string name, double?[][] z, object colorscale, double? zmin = null, double? zmax = null,
        bool showScale = true, IEnumerable<string>? x = null, IEnumerable<string>? y = null)
    {
        var trace = new Trace2D("heatmap");
        trace.SetProperty("name", name);
        trace.SetProperty("z", z);
        trace.SetProperty("colorscale", colorscale);
        trace.SetProperty("showscale", showScale);
        if (zmin is not null) trace.SetProperty("zmin", zmin.Value);
        if (zmax is not null) trace.SetProperty("zmax", zmax.Value);
        if (x is not null) trace.SetProperty("x", x.ToArray());
        if (y is not null) trace.SetProperty("y", y.ToArray());
        return trace;
    }

    /// <summary>A colour scale giving each integer value 0..C−1 its class colour, for zmin −0.5, zmax C − 0.5.</summary>
    public static object[][] ClassColorscale(int numClasses)
    {
        var scale = new List<object[]>();
        for (int c = 0; c < numClasses; c++)
        {
            scale.Add([(double)c / numClasses, ClassColor(c)]);
            scale.Add([(double)(c + 1) / numClasses, ClassColor(c)]);
        }
        return scale.ToArray();
    }

    /// <summary>Places a trace in subplot <paramref name="index"/> (1-based) of a layout grid.</summary>
    public static Trace2D InSubplot(this Trace2D trace, int index)
    {
        trace.SetProperty("xaxis", index == 1 ? "x" : $"x{index}");
        trace.SetProperty("yaxis", index == 1 ? "y" : $"y{index}");
        return trace;
    }

    /// <summary>
    /// Layout with a title and axis titles; <paramref name="extra"/> adds plotly.js layout attributes. An axis
    /// given both a title here and attributes in <paramref name="extra"/> (e.g. <see cref="CategoryAxis"/>) gets both.
    /// </summary>
    public static Layout Layout(string title, string? xTitle = null, string? yTitle = null, IDictionary<string, object>? extra = null)
    {
        var attributes = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = title } };
        if (xTitle is not null) attributes["xaxis"] = AxisTitle(xTitle);
        if (yTitle is not null) attributes["yaxis"] = AxisTitle(yTitle);
        if (extra is not null)
            foreach (var (key, value) in extra)
                attributes[key] = attributes.TryGetValue(key, out var existing) && existing is Dictionary<string, object> mine && value is IDictionary<string, object> theirs
                    ? new Dictionary<string, object>(mine.Concat(theirs).GroupBy(kv => kv.Key).Select(g => g.Last()))
                    : value;
        var layout = new Layout();
        foreach (var (key, value) in attributes) layout.SetProperty(key, value);
        return layout;
    }

    /// <summary>
    /// A log axis with a title and a labelled tick at every power of ten only (0.01, 0.1, 1, 10, …). Left to itself plotly.js
    /// also labels 2 and 5 between the powers, and on a short range a reader sees bare "5" and "2" ticks with no unit; small
    /// powers are written 10⁻⁴, not "100μ".
    /// </summary>
    public static Dictionary<string, object> LogAxis(string title) => new()
    {
        ["type"] = "log", ["dtick"] = 1, ["exponentformat"] = "power", ["title"] = new Dictionary<string, object> { ["text"] = title },
    };

    /// <summary>
    /// A legend in rows under the plot (horizontal), for charts with many entries: a vertical legend taller than the
    /// plot scrolls, and hides its last entries (lesson 05's digits 8 and 9). Needs a bottom margin.
    /// </summary>
    public static Dictionary<string, object> LegendBelow(string? title = null)
    {
        var legend = new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["xanchor"] = "left", ["y"] = -0.22, ["yanchor"] = "top" };
        if (title is not null) legend["title"] = new Dictionary<string, object> { ["text"] = title };
        return legend;
    }

    /// <summary>Axis attributes holding only a title.</summary>
    public static Dictionary<string, object> AxisTitle(string text) =>
        new() { ["title"] = new Dictionary<string, object> { ["text"] = text } };

    /// <summary>
    /// Axis attributes of a categorical axis showing <paramref name="categories"/> in this order, every one of them.
    /// Class axes need it: left to itself plotly.js sees mostly numbers in "background", "0", …, "9", makes the
    /// axis linear, drops "background" and labels the ticks 0/2/4/6/8.
    /// </summary>
    public static Dictionary<string, object> CategoryAxis(IEnumerable<string> categories, string? title = null)
    {
        var axis = new Dictionary<string, object>
        {
            ["type"] = "category",
            ["categoryorder"] = "array",
            ["categoryarray"] = categories.ToArray(),
            ["tickmode"] = "linear", // a tick (and its label) for every category, even when space is short
        };
        if (title is not null) axis["title"] = new Dictionary<string, object> { ["text"] = title };
        return axis;
    }

    /// <summary>
    /// Layout attributes of a rows × columns grid of independent subplots, each with a title above it;
    /// <paramref name="image"/>: square pixels, y pointing down, no axes (for pictures of canvases).
    /// </summary>
    public static Dictionary<string, object> Grid(int rows, int columns, IReadOnlyList<string> titles, bool image = false)
    {
        var extra = new Dictionary<string, object>
        {
            ["grid"] = new Dictionary<string, object> { ["rows"] = rows, ["columns"] = columns, ["pattern"] = "independent" },
        };
        var annotations = new List<object>();
        for (int i = 1; i <= rows * columns; i++)
        {
            string suffix = i == 1 ? "" : i.ToString();
            if (image)
            {
                extra[$"xaxis{suffix}"] = new Dictionary<string, object> { ["visible"] = false, ["scaleanchor"] = $"y{suffix}", ["constrain"] = "domain" };
                extra[$"yaxis{suffix}"] = new Dictionary<string, object> { ["visible"] = false, ["autorange"] = "reversed", ["constrain"] = "domain" };
            }
            if (i <= titles.Count)
                annotations.Add(new Dictionary<string, object>
                {
                    ["text"] = titles[i - 1], ["showarrow"] = false, ["xref"] = $"x{suffix} domain", ["yref"] = $"y{suffix} domain",
                    ["x"] = 0.5, ["y"] = 1.0, ["xanchor"] = "center", ["yanchor"] = "bottom", ["font"] = new Dictionary<string, object> { ["size"] = 11 },
                });
        }
        extra["annotations"] = annotations;
        return extra;
    }

    /// <summary>The chart of these traces under this layout.</summary>
    public static GenericChart Chart(IEnumerable<Trace> traces, Layout layout) =>
        GenericChart.NewMultiChart(ListModule.OfSeq(traces), layout, new Plotly.NET.Config(), new DisplayOptions());

    /// <summary>The traces of a chart, for tests and for reading back what a chart plots.</summary>
    public static IReadOnlyList<Trace> Traces(GenericChart chart) => GenericChart.getTraces(chart).ToList();

    /// <summary>A plotly.js attribute of a trace, e.g. Attribute(trace, "y").</summary>
    public static object? Attribute(Trace trace, string name) => trace.TryGetPropertyValue(name) is { } some ? some.Value : null;
}
