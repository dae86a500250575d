using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Charts;

/// <summary>One bin of uncertainty weights w: its range, how many pixels fell in it, and how many of them the teacher labeled correctly.</summary>
public sealed record CalibrationBin(double Low, double High, long Count, double Accuracy, double MeanWeight);

/// <summary>
/// Is the uncertainty weight a good confidence? (lesson 04) Pixels are binned by their weight
/// w = (1 − H̃)^γ and each bin reports the share whose teacher argmax matches the hidden true label.
/// A good confidence has accuracy rising with weight. Counting is done on the tensor side.
/// </summary>
public static class WeightCalibration
{
    /// <param name="uncertaintyWeights">[...] uncertainty weights w in [0, 1].</param>
    /// <param name="correct">[...] bool: teacher argmax equals the true label.</param>
    /// <param name="valid">[...] bool: pixels to count.</param>
    /// <param name="bins">Number of equal-width bins on [0, 1].</param>
    public static CalibrationBin[] Bin(Tensor uncertaintyWeights, Tensor correct, Tensor valid, int bins = 10)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), "need at least one bin");
        using var scope = NewDisposeScope();
        var weights = uncertaintyWeights.to_type(ScalarType.Float64).masked_select(valid);
        var hits = correct.masked_select(valid).to_type(ScalarType.Float64);
        var index = (weights * bins).floor().clamp(0, bins - 1).to_type(ScalarType.Int64); // w = 1 joins the top bin
        var counts = bincount(index, minlength: bins).data<long>().ToArray();
        var correctCounts = bincount(index, hits, bins).data<double>().ToArray();
        var weightSums = bincount(index, weights, bins).data<double>().ToArray();
        return Enumerable.Range(0, bins).Select(b => new CalibrationBin(
            (double)b / bins, (double)(b + 1) / bins, counts[b],
            counts[b] == 0 ? double.NaN : correctCounts[b] / counts[b],
            counts[b] == 0 ? double.NaN : weightSums[b] / counts[b])).ToArray();
    }
}

public static partial class LessonCharts
{
    /// <summary>Lesson 04: pseudo-label accuracy per weight bin (bars, hover: pixel count) with the diagonal for reference.</summary>
    public static GenericChart Calibration(IReadOnlyList<CalibrationBin> bins, string title = "Is the weight a good confidence?")
    {
        var labels = bins.Select(b => $"{b.Low:0.0}–{b.High:0.0}").ToArray();
        var accuracy = Plot.Bar("pseudo-label accuracy", labels, bins.Select(b => 100 * b.Accuracy));
        accuracy.SetProperty("hovertext", bins.Select(b => $"{b.Count:N0} px").ToArray());
        long total = Math.Max(1, bins.Sum(b => b.Count));
        var share = Plot.Line("share of pixels", labels, bins.Select(b => 100.0 * b.Count / total), dash: "dot");
        return Plot.Chart([accuracy, share], Plot.Layout(title, yTitle: "% (accuracy: of the bin's pixels; share: of all pixels)",
            extra: new Dictionary<string, object> { ["xaxis"] = Plot.CategoryAxis(labels, "uncertainty weight w = (1 − H̃)^γ") }));
    }
}
