using System.Text.Json;
using Farcluss.Charts;
using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Tests.Charts;

/// <summary>
/// Every chart with a class axis declares it categorical and carries every class name, background
/// included (issue 13). Without the declaration plotly.js reads "0" … "9" as numbers, makes the
/// axis linear, drops "background" and labels the ticks 0/2/4/6/8.
/// </summary>
public class ClassAxisTests
{
    static readonly string[] Names = ["background", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    static double[] Ramp(int n) => Enumerable.Range(0, n).Select(i => i / (double)n).ToArray();

    /// <summary>The chart's plotly.js JSON (what the page receives).</summary>
    static JsonElement Json(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    static void AssertClassAxis(JsonElement figure, string axis, string chart)
    {
        Assert.True(figure.GetProperty("layout").TryGetProperty(axis, out var a), $"{chart}: layout has no {axis}");
        Assert.True(a.TryGetProperty("type", out var type) && type.GetString() == "category", $"{chart}: {axis} is not declared a category axis");
        Assert.True(a.TryGetProperty("categoryarray", out var categories), $"{chart}: {axis} has no categoryarray");
        Assert.Equal(Names, categories.EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    public static TheoryData<string> ClassCharts => ["per-class IoU", "distributions", "threshold discard", "class balance", "similarity"];

    static (GenericChart Chart, string[] Axes) Make(string name) => name switch
    {
        "per-class IoU" => (LessonCharts.PerClassIou("t", [("a", Ramp(11)), ("b", Ramp(11))], Names), ["xaxis"]),
        "distributions" => (LessonCharts.Distributions("t", [("K = 1", Ramp(11))], Names), ["xaxis"]),
        "threshold discard" => (LessonCharts.ThresholdDiscard([new ThresholdDiscard(0.95, new long[11], Ramp(11), 0.1, 0.2, 0.3, 0.1, 0.4)], Names), ["xaxis"]),
        "class balance" => (LessonCharts.ClassBalance([new ClassBalance("labeled", 4, new long[11], Ramp(11), new long[11])], Names), ["xaxis", "xaxis2"]),
        "similarity" => (LessonCharts.Similarity("t", new double[121], Names), ["xaxis", "yaxis"]),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ClassCharts))]
    public void ClassAxisIsCategoricalWithEveryClass(string name)
    {
        var (chart, axes) = Make(name);
        var figure = Json(chart);
        foreach (var axis in axes) AssertClassAxis(figure, axis, name);
        // And the data: the first trace's x holds all eleven names, background first.
        var x = figure.GetProperty("data")[0].GetProperty("x").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(Names, x);
    }

    [Fact]
    public void AblationChartFollowsTheLadderOrder()
    {
        // Runs in the order the committed ablation ran them: the three compared rows first.
        static AblationRun Run(string v) => new()
        {
            Variant = v, Settings = new(), Seed = 0, Miou = 0.5, PerClassIou = [], StudentMiou = 0.5,
            RarestThreeIou = 0.1, MsPerStep = 100, Steps = 10,
        };
        var report = new AblationReport
        {
            Command = "test", Preset = "smoke", ClassNames = [], RarestClasses = [],
            Runs = [Run("supervised"), Run("hard"), Run("farcluss"), Run("fuzzy"), Run("farcluss-no-fuzzy"), Run("weight"), Run("rebalance")],
        };
        var rows = AblationSummary.Rows(report);
        Assert.Equal(new[] { "supervised", "hard", "fuzzy", "weight", "rebalance", "farcluss", "farcluss-no-fuzzy" }, rows.Select(r => r.Variant));
        var figure = Json(LessonCharts.Ablation("t", rows));
        var axis = figure.GetProperty("layout").GetProperty("xaxis");
        Assert.Equal("category", axis.GetProperty("type").GetString());
        Assert.Equal(rows.Select(r => r.Variant), axis.GetProperty("categoryarray").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void MaskPicturesCarryAClassColourKey()
    {
        // A mask panel: the legend lists every class in its class colour (one marker trace per class, no data drawn).
        var panels = new[] { new Panel("mask", [[0.0, 1.0], [10.0, null]], PanelKind.Mask) };
        var figure = Json(LessonCharts.Pictures("t", panels, columns: 1, numClasses: 11, classNames: Names));
        var keys = figure.GetProperty("data").EnumerateArray().Where(t => t.GetProperty("type").GetString() == "scatter").ToList();
        Assert.Equal(Names, keys.Select(k => k.GetProperty("name").GetString()));
        Assert.Equal(Plot.ClassColor(10), keys[10].GetProperty("marker").GetProperty("color").GetString());
        Assert.True(figure.GetProperty("layout").GetProperty("showlegend").GetBoolean());
    }

    [Fact]
    public void PseudoLabelEvidenceShowsAccuracyAndWeightForEveryClass()
    {
        // Accuracy 0.5 for every class, weight 2 for every class: bars at 50%, markers at 2 on the right axis.
        var stats = new StepStats
        {
            Step = 10, PseudoLabelAccuracyPerClass = Enumerable.Repeat(0.5, 11).ToArray(), PseudoLabelShare = Ramp(11),
            ClassWeights = Enumerable.Repeat(2.0, 11).ToArray(),
        };
        var figure = Json(LessonCharts.PseudoLabelEvidence("t", stats, Names));
        AssertClassAxis(figure, "xaxis", "evidence");
        var data = figure.GetProperty("data");
        Assert.Equal(50, data[0].GetProperty("y")[10].GetDouble(), 9);
        Assert.Equal("y2", data[2].GetProperty("yaxis").GetString());
        Assert.Equal(Names, data[2].GetProperty("x").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal(2, data[2].GetProperty("y")[0].GetDouble(), 9);
    }
}
