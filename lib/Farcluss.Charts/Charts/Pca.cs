using Plotly.NET;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Charts;

/// <summary>
/// Principal component analysis, to draw high-dimensional decoder features in 2-D (lesson 06).
/// Centres the rows and projects them on the top right singular vectors. A component's sign is
/// arbitrary, so it is fixed: the largest-magnitude loading of each component is positive, which
/// makes pictures of the same data identical from run to run.
/// </summary>
public static class Pca
{
    /// <param name="features">[N, D] rows to project (N ≥ 2).</param>
    /// <param name="components">Output dimensions k ≤ min(N, D).</param>
    /// <returns>[N][k] coordinates.</returns>
    public static double[][] Project(Tensor features, int components = 2)
    {
        if (features.dim() != 2) throw new ArgumentException($"expected [N, D] features, got [{string.Join(", ", features.shape)}]");
        long n = features.shape[0], d = features.shape[1];
        if (components < 1 || components > Math.Min(n, d)) throw new ArgumentOutOfRangeException(nameof(components), $"need 1 ≤ k ≤ min(N, D) = {Math.Min(n, d)}");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = features.detach().cpu().to_type(ScalarType.Float64);
        var centred = rows - rows.mean([0L], keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        var axes = vh[..components];                                   // [k, D]
        var largest = axes.abs().argmax(1, keepdim: true);             // [k, 1]
        var signs = axes.gather(1, largest).sign().masked_fill(axes.gather(1, largest).eq(0), 1); // [k, 1]
        var projected = centred.matmul((axes * signs).t()).contiguous(); // [N, k]
        var values = projected.data<double>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i => values.AsSpan(i * components, components).ToArray()).ToArray();
    }
}

public static partial class LessonCharts
{
    /// <summary>Lesson 06: 2-D points coloured by class, one legend entry per class present.</summary>
    public static GenericChart ClassScatter(string title, double[][] points, long[] labels, IReadOnlyList<string> classNames)
    {
        var traces = new List<Trace>();
        for (int c = 0; c < classNames.Count; c++)
        {
            var mine = Enumerable.Range(0, points.Length).Where(i => labels[i] == c).ToArray();
            if (mine.Length == 0) continue;
            traces.Add(Plot.Points(classNames[c], mine.Select(i => points[i][0]), mine.Select(i => points[i][1]), Plot.ClassColor(c)));
        }
        return Plot.Chart(traces, Plot.Layout(title, "first principal component", "second principal component",
            new Dictionary<string, object> { ["height"] = 480 }));
    }
}
