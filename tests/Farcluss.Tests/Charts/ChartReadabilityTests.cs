using System.Text.Json;
using Farcluss.Charts;
using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Tests.Charts;

/// <summary>
/// Chart defects a learner found in issue 25, checked on the chart's own data: legend colours that match the bars
/// they name, lines that hide each other, legends that scroll, mask keys without class names, unlabelled axes.
/// </summary>
public class ChartReadabilityTests
{
    static readonly string[] Names = ["background", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    static JsonElement Json(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    static string? MarkerColor(Trace trace) =>
        Plot.Attribute(trace, "marker") is Dictionary<string, object> m && m.TryGetValue("color", out var c) ? (string)c : null;

    [Fact]
    public void ThresholdDiscardColoursEachTauAlikeInBothPanels()
    {
        // Two thresholds → four bar traces (by class, by region for each τ). The region bars carry no legend entry of their
        // own, so they must have the colour of the class bars of the same τ, and the two τ must differ.
        var m = new ThresholdDiscard(0.95, new long[2], [0.1, 0.2], 0.3, 0.1, 0.2, 0.05, 0.4);
        var traces = Plot.Traces(LessonCharts.ThresholdDiscard([m, m with { Threshold = 0.5 }], ["background", "one"]));
        Assert.Equal(4, traces.Count);
        Assert.Equal(MarkerColor(traces[0]), MarkerColor(traces[1]));
        Assert.Equal(MarkerColor(traces[2]), MarkerColor(traces[3]));
        Assert.NotEqual(MarkerColor(traces[0]), MarkerColor(traces[2]));
        Assert.NotNull(MarkerColor(traces[0]));
    }

    [Fact]
    public void ThresholdDiscardSaysWhenNothingIsKept()
    {
        // Every valid pixel below τ: the share wrong among kept pixels is 0/0. The line says so, never "NaN%".
        var none = new ThresholdDiscard(0.95, [3, 1], [1, 1], 1, 1, 1, double.NaN, 0.25);
        Assert.Equal("τ = 0.95: 100.0% of pixels discarded (edges 100.0%, interiors 100.0%); no pixel kept (the teacher is never this confident), " +
                     "so none wrong among kept, among discarded 25.0%", none.Describe());
        var some = new ThresholdDiscard(0.5, [3, 1], [0.5, 0], 0.5, 0.25, 0.375, 0.2, 0.6);
        Assert.Equal("τ = 0.5: 37.5% of pixels discarded (edges 50.0%, interiors 25.0%); wrong among kept 20.0%, among discarded 60.0%", some.Describe());
        Assert.DoesNotContain("NaN", none.Describe());
    }

    [Fact]
    public void LinesThatCoincideAreDrawnSoBothShow()
    {
        // Series a and b are equal at steps 1 and 2 (b lies on a); c is far from both. b is dashed with open markers,
        // a is widened under it, c is an ordinary solid line.
        double[] x = [1, 2];
        var traces = Plot.Traces(LessonCharts.Lines("t", "step", "share", [("a", x, [0.5, 0.6]), ("b", x, [0.5, 0.6 + 1e-4]), ("c", x, [0.1, 0.9])]));
        var lineOf = (Trace t) => (Dictionary<string, object>)Plot.Attribute(t, "line")!;
        Assert.Equal("dash", lineOf(traces[1])["dash"]);
        Assert.Equal("circle-open", ((Dictionary<string, object>)Plot.Attribute(traces[1], "marker")!)["symbol"]);
        Assert.Equal(5, lineOf(traces[0])["width"]);
        Assert.False(lineOf(traces[2]).ContainsKey("dash"));
        // Three different colours: each legend entry names one line.
        Assert.Equal(3, traces.Select(t => lineOf(t)["color"]).Distinct().Count());
    }

    [Fact]
    public void ClassStatisticsStartWhereTheRebalancerStartsCountingAndKeepItsLegendBelow()
    {
        // Steps 10 and 20: f uniform (1/3 each, a supervised warm-up); step 30: counted. Only step 30 is drawn.
        double third = 1.0 / 3;
        StepStats At(long step, double[] f) => new() { Step = step, ClassFrequencies = f, ClassWeights = [1, 1, 1] };
        var log = new[] { At(10, [third, third, third]), At(20, [third, third, third]), At(30, [0.8, 0.15, 0.05]) };
        Assert.Equal(new long[] { 30 }, LessonCharts.CountedClassStatistics(log, 3).Select(s => s.Step));
        var figure = Json(LessonCharts.ClassStatistics(log, ["background", "a", "b"]));
        Assert.Equal(30, figure.GetProperty("data")[0].GetProperty("x")[0].GetDouble());
        var layout = figure.GetProperty("layout");
        Assert.Equal("h", layout.GetProperty("legend").GetProperty("orientation").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal(1, layout.GetProperty("yaxis").GetProperty("dtick").GetInt32()); // powers of ten only: no bare "5" and "2" ticks
        Assert.Throws<KitException>(() => LessonCharts.ClassStatistics(log.Take(2).ToList(), ["background", "a", "b"]));
    }

    [Fact]
    public void CostChartNamesWhatABarMeasures()
    {
        var figure = Json(LessonCharts.Cost("c", [("prototype", new Dictionary<string, double> { ["contrast"] = 2 })], yTitle: "ms per loss call"));
        Assert.Equal("ms per loss call", figure.GetProperty("layout").GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        var step = Json(LessonCharts.Cost("c", [("hard", new Dictionary<string, double> { ["teacher"] = 2 })]));
        Assert.Equal("ms per training step", step.GetProperty("layout").GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void MaskPicturesRefuseAKeyWithoutClassNames()
    {
        var panels = new[] { new Panel("mask", [[0.0, 1.0]], PanelKind.Mask) };
        Assert.Throws<ArgumentException>(() => LessonCharts.Pictures("t", panels, columns: 1, numClasses: 11));
        var images = new[] { new Panel("canvas", [[0.0, 1.0]], PanelKind.Image) };
        Assert.Single(Plot.Traces(LessonCharts.Pictures("t", images, columns: 1))); // no mask, no key needed
    }

    [Fact]
    public void ClassBalanceKeepsCountsInTheHoverNotOnTheBars()
    {
        var balance = new ClassBalance("labeled", 4, [30, 10, 0], [0.75, 0.25, 0], [4, 2, 0]);
        var traces = Plot.Traces(LessonCharts.ClassBalance([balance], ["background", "a", "b"]));
        Assert.Null(Plot.Attribute(traces[0], "text"));
        Assert.Equal(new[] { "30 px", "10 px", "0 px" }, (string[])Plot.Attribute(traces[0], "hovertext")!);
        Assert.Equal(new[] { "4 of 4", "2 of 4", "0 of 4" }, (string[])Plot.Attribute(traces[1], "hovertext")!);
    }
}
