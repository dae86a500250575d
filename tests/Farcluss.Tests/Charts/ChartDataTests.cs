using Farcluss.Charts;
using Farcluss.Data;
using Farcluss.Tests.Losses;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Charts;

/// <summary>The numbers the lesson charts plot, against hand computations.</summary>
public class ChartDataTests : TorchTestBase
{
    static SegmentationSplit Split(byte[] masks, int count, int height, int width) =>
        new("test", zeros(new long[] { count, 1, height, width }, ScalarType.Byte),
            tensor(masks, new long[] { count, height, width }), ["background", "a", "b"], Normalization.Identity(1));

    /// <summary>A trace attribute holding numbers with gaps equals <paramref name="expected"/> to 1e-9 (NaN expected = gap).</summary>
    static void AssertValues(double[] expected, object? actual)
    {
        var values = Assert.IsType<double?[]>(actual);
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            if (double.IsNaN(expected[i])) Assert.Null(values[i]);
            else Assert.True(values[i] is { } v && Math.Abs(v - expected[i]) < 1e-9, $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    [Fact]
    public void ClassBalanceCountsPixelsAndCanvases()
    {
        // Canvas 1: [[0, 1], [1, 255]]; canvas 2: [[0, 0], [2, 2]].
        // Pixels: class 0 → 1 + 2 = 3, class 1 → 2, class 2 → 2; 255 not counted; total 7.
        // Canvases with the class: 0 → 2, 1 → 1, 2 → 1.
        using var split = Split([0, 1, 1, 255, 0, 0, 2, 2], 2, 2, 2);
        var balance = ClassBalance.Of(split, 3);
        Assert.Equal(new long[] { 3, 2, 2 }, balance.Pixels);
        Assert.Equal(new[] { 3 / 7.0, 2 / 7.0, 2 / 7.0 }, balance.PixelShare, new Tolerance(1e-12));
        Assert.Equal(new long[] { 2, 1, 1 }, balance.CanvasesWithClass);
        Assert.Equal(new[] { 1.0, 0.5, 0.5 }, balance.CanvasShare, new Tolerance(1e-12));

        var chart = LessonCharts.ClassBalance([balance], split.ClassNames);
        var traces = Plot.Traces(chart);
        Assert.Equal(2, traces.Count); // pixel share and canvas share for the one split
        AssertValues([300 / 7.0, 200 / 7.0, 200 / 7.0], Plot.Attribute(traces[0], "y"));
        Assert.Equal(new double?[] { 100, 50, 50 }, (double?[])Plot.Attribute(traces[1], "y")!);
        Assert.Equal("x2", Plot.Attribute(traces[1], "xaxis"));
    }

    [Fact]
    public void EdgeMaskMarksPixelsNextToAnotherValue()
    {
        // 4×4 zeros with class 2 at (3, 3) and 255 at (0, 0).
        // Edges: the 3×3 neighbours of (3, 3) → (2, 2), (2, 3), (3, 2), (3, 3); of (0, 0) → (0, 1), (1, 0), (1, 1);
        // (0, 0) itself is ignored, so not an edge. 7 edge pixels.
        var mask = new byte[16];
        mask[15] = 2;
        mask[0] = 255;
        var edges = Regions.EdgeMask(tensor(mask, new long[] { 1, 4, 4 }).to_type(ScalarType.Int64));
        var expected = new bool[16];
        foreach (int i in new[] { 10, 11, 14, 15, 1, 4, 5 }) expected[i] = true;
        Assert.Equal(expected, edges.flatten().data<bool>().ToArray());
    }

    [Fact]
    public void ThresholdDiscardSplitsByClassRegionAndCorrectness()
    {
        // Pixels (probabilities of classes 0, 1; true class):
        //  a (0.99, 0.01) 0: kept, right     b (0.60, 0.40) 1: discarded, wrong
        //  c (0.20, 0.80) 1: discarded, right d (0.96, 0.04) 1: kept, wrong        τ = 0.95
        // Class 0: 0 of 1 discarded; class 1: 2 of 3. All: 2 of 4. Wrong among kept {a, d}: 1/2;
        // among discarded {b, c}: 1/2. In a 2×2 image every pixel sees both classes: all edges, no interior.
        var probs = Pixels(2, 2, [0.99, 0.01], [0.60, 0.40], [0.20, 0.80], [0.96, 0.04]);
        var truth = tensor(new long[] { 0, 1, 1, 1 }, new long[] { 1, 2, 2 });
        var m = ThresholdDiscard.Measure(probs, truth, 0.95);
        Assert.Equal(new long[] { 1, 3 }, m.PixelsByClass);
        Assert.Equal(new[] { 0.0, 2 / 3.0 }, m.DiscardedByClass, new Tolerance(1e-12));
        Assert.Equal(0.5, m.Discarded, 12);
        Assert.Equal(0.5, m.DiscardedEdge, 12);
        Assert.True(double.IsNaN(m.DiscardedInterior));
        Assert.Equal(0.5, m.ErrorAmongKept, 12);
        Assert.Equal(0.5, m.ErrorAmongDiscarded, 12);

        var traces = Plot.Traces(LessonCharts.ThresholdDiscard([m], ["background", "one"]));
        AssertValues([0, 200 / 3.0], Plot.Attribute(traces[0], "y"));
        Assert.Equal(new double?[] { 50, null, 50 }, (double?[])Plot.Attribute(traces[1], "y")!); // NaN interior → gap
    }

    [Fact]
    public void WeightCalibrationBinsWeightsAndCountsCorrectPixels()
    {
        // Weights 0.05, 0.15, 0.95, 1.0, 0.5 (the last one invalid); correct F, T, T, T, F; 2 bins.
        // Bin [0, 0.5): 0.05, 0.15 → 2 pixels, 1 correct → 0.5, mean weight 0.1.
        // Bin [0.5, 1]: 0.95, 1.0 (w = 1 joins the top bin) → 2 pixels, 2 correct → 1.0, mean weight 0.975.
        var weights = tensor(new[] { 0.05f, 0.15f, 0.95f, 1.0f, 0.5f });
        var correct = tensor(new[] { false, true, true, true, false });
        var valid = tensor(new[] { true, true, true, true, false });
        var bins = WeightCalibration.Bin(weights, correct, valid, 2);
        Assert.Equal(2, bins.Length);
        Assert.Equal((0.0, 0.5, 2L), (bins[0].Low, bins[0].High, bins[0].Count));
        Assert.Equal(0.5, bins[0].Accuracy, 12);
        Assert.Equal(0.1, bins[0].MeanWeight, 6);
        Assert.Equal(2L, bins[1].Count);
        Assert.Equal(1.0, bins[1].Accuracy, 12);
        Assert.Equal(0.975, bins[1].MeanWeight, 6);

        // The chart: accuracy 50% and 100% as bars, each bin holding 2 of the 4 counted pixels (50%) as a line.
        var traces = Plot.Traces(LessonCharts.Calibration(bins));
        AssertValues([50, 100], Plot.Attribute(traces[0], "y"));
        AssertValues([50, 50], Plot.Attribute(traces[1], "y"));
        Assert.Equal(new[] { "0.0–0.5", "0.5–1.0" }, (string[])Plot.Attribute(traces[1], "x")!);
    }

    [Fact]
    public void PcaCentresAndProjectsOnTheWidestAxisFirst()
    {
        // Points (1, 0), (−1, 0), (0, 0.5), (0, −0.5), all shifted by (10, 20): centring removes the shift.
        // The widest spread is along x (variance 0.5 vs 0.125), so component 1 = x, component 2 = y,
        // each signed so that its largest loading is positive: (1, 0) and (0, 1).
        var points = tensor(new[] { 11f, 20f, 9f, 20f, 10f, 20.5f, 10f, 19.5f }, new long[] { 4, 2 });
        var projected = Pca.Project(points);
        double[][] expected = [[1, 0], [-1, 0], [0, 0.5], [0, -0.5]];
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < 2; k++)
                Assert.Equal(expected[i][k], projected[i][k], 5);
    }

    [Fact]
    public void PicturesRowsBlankIgnoreAndNaN()
    {
        // [[1, 255], [0.5, NaN]] with 255 blank → [[1, null], [0.5, null]].
        var rows = Pictures.Rows(tensor(new[] { 1f, 255f, 0.5f, float.NaN }, new long[] { 2, 2 }), blank: 255);
        Assert.Equal(new double?[] { 1, null }, rows[0]);
        Assert.Equal(new double?[] { 0.5, null }, rows[1]);
    }

    [Fact]
    public void AblationSummaryAveragesSeedsInFirstSeenOrder()
    {
        // "b": mIoU 0.5 and 0.7 → mean 0.6, sample std sqrt((0.1² + 0.1²) / 1) = 0.141421...; "a": one seed 0.4 → std NaN.
        static AblationRun Run(string v, int seed, double miou) => new()
        {
            Variant = v, Settings = new(), Seed = seed, Miou = miou, PerClassIou = [], StudentMiou = miou,
            RarestThreeIou = miou / 2, MsPerStep = 100, Steps = 10,
        };
        var report = new AblationReport { Command = "test", Preset = "smoke", ClassNames = [], RarestClasses = [], Runs = [Run("b", 0, 0.5), Run("a", 0, 0.4), Run("b", 1, 0.7)] };
        var rows = AblationSummary.Rows(report);
        Assert.Equal(new[] { "b", "a" }, rows.Select(r => r.Variant));
        Assert.Equal(0.6, rows[0].Miou, 12);
        Assert.Equal(Math.Sqrt(0.02), rows[0].MiouStd, 12);
        Assert.Equal(0.3, rows[0].RarestThreeIou, 12);
        Assert.True(double.IsNaN(rows[1].MiouStd));

        var traces = Plot.Traces(LessonCharts.Ablation("t", rows));
        AssertValues([60, 40], Plot.Attribute(traces[0], "y"));
    }

    [Fact]
    public void ClassStatisticsPlotsFrequenciesAndWeightsPerClass()
    {
        var log = new List<StepStats>
        {
            new() { Step = 5, ClassFrequencies = [0.9, 0.1], ClassWeights = [0.8, 2.8] },
            new() { Step = 10, ClassFrequencies = [0.8, 0.2], ClassWeights = [0.9, 1.4] },
        };
        var traces = Plot.Traces(LessonCharts.ClassStatistics(log, ["background", "one"]));
        Assert.Equal(4, traces.Count); // f and r for each of 2 classes
        Assert.Equal(new[] { 5.0, 10.0 }, (double[])Plot.Attribute(traces[0], "x")!);
        Assert.Equal(new double?[] { 0.1, 0.2 }, (double?[])Plot.Attribute(traces[2], "y")!); // f of class 1
        Assert.Equal(new double?[] { 2.8, 1.4 }, (double?[])Plot.Attribute(traces[3], "y")!); // r of class 1
        Assert.Throws<KitException>(() => LessonCharts.ClassStatistics([new StepStats { Step = 1 }], ["background", "one"]));
    }

    [Fact]
    public void SimilarityAndCostChartsCarryTheirNumbers()
    {
        var heat = Plot.Traces(LessonCharts.Similarity("s", [1, 0.5, 0.5, double.NaN], ["a", "b"]))[0];
        var z = (double?[][])Plot.Attribute(heat, "z")!;
        Assert.Equal(new double?[] { 1, 0.5 }, z[0]);
        Assert.Equal(new double?[] { 0.5, null }, z[1]);
        Assert.Throws<ArgumentException>(() => LessonCharts.Similarity("s", [1, 2, 3], ["a", "b"]));

        // Terms come in the step's order (teacher before student before backward), one stacked bar per variant.
        var cost = Plot.Traces(LessonCharts.Cost("c", [
            ("hard", new Dictionary<string, double> { ["backward"] = 30, ["teacher"] = 10 }),
            ("farcluss", new Dictionary<string, double> { ["teacher"] = 11, ["contrast"] = 2, ["backward"] = 31 })]));
        Assert.Equal(new[] { "teacher", "contrast", "backward" }, cost.Select(t => (string)Plot.Attribute(t, "name")!));
        Assert.Equal(new double?[] { 0, 2 }, (double?[])Plot.Attribute(cost[1], "y")!);
    }

    [Fact]
    public void PlotHelpersTurnNaNIntoGapsAndClassesIntoSteps()
    {
        Assert.Null(Plot.Value(double.NaN));
        Assert.Equal(0.25, Plot.Value(0.25));
        // Two classes: class 0's colour on [0, 0.5], class 1's on [0.5, 1] (zmin −0.5, zmax 1.5).
        var scale = Plot.ClassColorscale(2);
        Assert.Equal(new object[] { 0.0, Plot.ClassColor(0) }, scale[0]);
        Assert.Equal(new object[] { 0.5, Plot.ClassColor(0) }, scale[1]);
        Assert.Equal(new object[] { 0.5, Plot.ClassColor(1) }, scale[2]);
        Assert.Equal(new object[] { 1.0, Plot.ClassColor(1) }, scale[3]);
    }
}

/// <summary>Compares doubles to within an absolute tolerance (for Assert.Equal on sequences).</summary>
sealed class Tolerance(double epsilon) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
    public int GetHashCode(double obj) => 0;
}
