using System.Net;
using System.Text;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// Renders Plotly.NET charts with no network. Plotly.NET.Interactive points every chart at
/// plotly.js on a CDN, so offline (a workshop room, CI, an exported page) charts stay blank.
/// Plotly.NET.dll carries plotly.js 2.28.0 as a resource: it is written inline once (the first
/// chart of a notebook session carries it), and every chart is a div plus a call to the global
/// <c>Plotly.newPlot</c> (<see cref="PlotlyJSReference.NoReference"/>). Registered as the
/// notebooks' chart formatter by each lesson's second code cell (the one with the <c>using</c> directives).
/// </summary>
public static class OfflinePlotly
{
    const string ResourceName = "Plotly.NET.plotly-2.28.0.min.js";
    static readonly Lazy<string> Script = new(ReadScript);
    static readonly object Gate = new();
    static bool _scriptWritten;

    /// <summary>plotly.js as shipped inside Plotly.NET.dll.</summary>
    public static string PlotlyJs => Script.Value;

    /// <summary>The version of the embedded plotly.js (from its resource name).</summary>
    public const string PlotlyJsVersion = "2.28.0";

    static string ReadScript()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new KitException($"plotly.js resource '{ResourceName}' not found in Plotly.NET.dll (a Plotly.NET other than 6.0.0?)");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A &lt;script&gt; element holding plotly.js inline, always defining the global <c>Plotly</c>: plotly.js
    /// is a UMD bundle that registers itself as an AMD module instead when require.js is on the page
    /// (classic Jupyter, nbconvert's HTML), so <c>define</c>, <c>module</c> and <c>exports</c> are hidden from it.
    /// </summary>
    public static string ScriptTag() =>
        "<script type=\"text/javascript\">(function (define, module, exports) {\n" + PlotlyJs + "\n})(undefined, undefined, undefined);</script>";

    /// <summary>The chart's div and its newPlot call, with no reference to plotly.js (it must be on the page already).</summary>
    public static string ChartHtml(GenericChart chart)
    {
        var options = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.NoReference));
        return GenericChart.toChartHTML(GenericChart.addDisplayOptions(options, chart));
    }

    /// <summary>
    /// What a notebook shows for a chart: the first call in a process also carries plotly.js
    /// inline, later calls only the chart. Call <see cref="ForgetScript"/> after a kernel's
    /// outputs were cleared, if the page lost the script.
    /// </summary>
    public static string NotebookHtml(GenericChart chart)
    {
        bool first;
        lock (Gate) { first = !_scriptWritten; _scriptWritten = true; }
        return first ? ScriptTag() + ChartHtml(chart) : ChartHtml(chart);
    }

    /// <summary>Makes the next <see cref="NotebookHtml"/> carry plotly.js again.</summary>
    public static void ForgetScript()
    {
        lock (Gate) _scriptWritten = false;
    }

    /// <summary>A whole self-contained HTML page (plotly.js inline once) holding the charts in order.</summary>
    public static string Page(string title, IEnumerable<GenericChart> charts)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title)).Append("</title>").Append(ScriptTag()).Append("</head><body>");
        foreach (var chart in charts) html.Append(ChartHtml(chart));
        return html.Append("</body></html>").ToString();
    }
}
