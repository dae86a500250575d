using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Charts;

public static partial class LessonCharts
{
    /// <summary>
    /// Lessons 02–07: any numbers over training steps, one line per series. A series that lies on an earlier one (within
    /// <see cref="OverlapTolerance"/> of the chart's y range at every shared step: lesson 04's two arms start from one teacher,
    /// so their mean entropies coincide) is drawn dashed with open markers over a wider solid line, so both stay visible.
    /// </summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var finite = series.SelectMany(s => s.Y).Where(double.IsFinite).ToArray();
        double range = finite.Length == 0 ? 0 : finite.Max() - finite.Min();
        var traces = new List<Trace2D>();
        for (int i = 0; i < series.Count; i++)
        {
            var line = Plot.Line(series[i].Name, series[i].X, series[i].Y, Plot.SeriesColor(i));
            int under = Enumerable.Range(0, i).FirstOrDefault(j => Overlaps(series[j], series[i], range), -1);
            if (under >= 0)
            {
                line.SetProperty("line", new Dictionary<string, object> { ["color"] = Plot.SeriesColor(i), ["dash"] = "dash", ["width"] = 2 });
                line.SetProperty("marker", new Dictionary<string, object> { ["symbol"] = "circle-open", ["size"] = 9 });
                traces[under].SetProperty("line", new Dictionary<string, object> { ["color"] = Plot.SeriesColor(under), ["width"] = 5 });
            }
            traces.Add(line);
        }
        return Plot.Chart(traces, Plot.Layout(title, xTitle, yTitle));
    }

    /// <summary>Two series overlap when they differ by less than this share of the chart's y range at every step they share.</summary>
    public const double OverlapTolerance = 0.02;

    static bool Overlaps((string Name, double[] X, double[] Y) a, (string Name, double[] X, double[] Y) b, double range)
    {
        var at = new Dictionary<double, double>();
        for (int k = 0; k < a.X.Length; k++) at[a.X[k]] = a.Y[k];
        int shared = 0;
        for (int k = 0; k < b.X.Length; k++)
        {
            if (!at.TryGetValue(b.X[k], out var y) || !double.IsFinite(y) || !double.IsFinite(b.Y[k])) continue;
            shared++;
            if (Math.Abs(y - b.Y[k]) > OverlapTolerance * Math.Max(range, 1e-12)) return false;
        }
        return shared > 0;
    }

    /// <summary>
    /// Lesson 05: the rebalancer's smoothed frequencies f_c (log axis) and class weights r_c over
    /// the logged steps, one colour per class in both panels, the legend in rows under the panels (a vertical one
    /// scrolled and hid digits 8 and 9). Steps logged before the rebalancer counted anything (f still uniform at its
    /// start value: a supervised warm-up) are left out, so the lines start where rebalancing starts.
    /// </summary>
    public static GenericChart ClassStatistics(IReadOnlyList<StepStats> log, IReadOnlyList<string> classNames)
    {
        var logged = CountedClassStatistics(log, classNames.Count);
        if (logged.Count == 0) throw new KitException("no class statistics in this log: was rebalancing on (method.use_rebalancing), and did the run pass its warm-up?");
        var steps = logged.Select(s => (double)s.Step).ToArray();
        var traces = new List<Trace>();
        for (int c = 0; c < classNames.Count; c++)
        {
            var f = Plot.Line(classNames[c], steps, logged.Select(s => s.ClassFrequencies[c]), Plot.ClassColor(c)).InSubplot(1);
            f.SetProperty("legendgroup", classNames[c]);
            var r = Plot.Line(classNames[c], steps, logged.Select(s => s.ClassWeights[c]), Plot.ClassColor(c)).InSubplot(2);
            r.SetProperty("legendgroup", classNames[c]);
            r.SetProperty("showlegend", false);
            traces.Add(f);
            traces.Add(r);
        }
        var extra = Plot.Grid(1, 2, ["smoothed pseudo-label frequency f_c (log)", "class weight r_c"]);
        extra["yaxis"] = Plot.LogAxis("f_c (share of pseudo-label mass, log)");
        extra["yaxis2"] = Plot.AxisTitle("r_c (class weight; Σ_c f_c r_c = 1)");
        extra["xaxis"] = Plot.AxisTitle("step");
        extra["xaxis2"] = Plot.AxisTitle("step");
        extra["height"] = 520;
        extra["margin"] = new Dictionary<string, object> { ["b"] = 140 };
        extra["legend"] = Plot.LegendBelow("class:");
        return Plot.Chart(traces, Plot.Layout("Adaptive class rebalancing over training", extra: extra));
    }

    /// <summary>
    /// The logged intervals with class statistics for <paramref name="numClasses"/> classes, from the first whose
    /// frequencies left their uniform start value (1/C each; the rebalancer had counted nothing before it).
    /// </summary>
    public static IReadOnlyList<StepStats> CountedClassStatistics(IReadOnlyList<StepStats> log, int numClasses)
    {
        var logged = log.Where(s => s.ClassFrequencies.Length == numClasses).ToList();
        int first = logged.FindIndex(s => s.ClassFrequencies.Any(f => Math.Abs(f - 1.0 / numClasses) > 1e-6));
        return first < 0 ? [] : logged.Skip(first).ToList();
    }

    /// <summary>Lesson 06: the prototypes' cosine similarity μ_c·μ_k (C×C, row-major; NaN where a class has no prototype: blank).</summary>
    public static GenericChart Similarity(string title, double[] similarity, IReadOnlyList<string> classNames)
    {
        int c = classNames.Count;
        if (similarity.Length != c * c) throw new ArgumentException($"expected {c}×{c} = {c * c} values, got {similarity.Length}", nameof(similarity));
        var rows = Enumerable.Range(0, c).Select(i => Plot.Values(similarity.Skip(i * c).Take(c))).ToArray();
        var heat = Plot.Heatmap("μ_c·μ_k", rows, "RdBu", -1, 1, x: classNames, y: classNames);
        heat.SetProperty("reversescale", true); // red = similar
        var rowsAxis = Plot.CategoryAxis(classNames, "class c");
        rowsAxis["autorange"] = "reversed";
        return Plot.Chart([heat], Plot.Layout(title, extra: new Dictionary<string, object>
        {
            ["height"] = 460, ["width"] = 540, ["xaxis"] = Plot.CategoryAxis(classNames, "class k"), ["yaxis"] = rowsAxis,
        }));
    }

    /// <summary>
    /// Lessons 06 and 08: milliseconds in each part, stacked, one bar per variant. <paramref name="yTitle"/> says what one
    /// bar measures (lesson 08: a training step; lesson 06: one loss call, forward and backward).
    /// </summary>
    public static GenericChart Cost(string title, IReadOnlyList<(string Variant, IReadOnlyDictionary<string, double> MsPerTerm)> variants,
        string yTitle = "ms per training step", string xTitle = "variant")
    {
        var terms = variants.SelectMany(v => v.MsPerTerm.Keys).Distinct().OrderBy(TermOrder).ToList();
        var names = variants.Select(v => v.Variant).ToArray();
        var traces = terms.Select(t => (Trace)Plot.Bar(t, names, variants.Select(v => v.MsPerTerm.TryGetValue(t, out var ms) ? ms : 0))).ToList();
        return Plot.Chart(traces, Plot.Layout(title, xTitle, yTitle, new Dictionary<string, object> { ["barmode"] = "stack", ["height"] = 430 }));
    }

    static int TermOrder(string term) => Array.IndexOf(["teacher", "student", "supervised", "unsupervised", "contrast", "backward", "optimizer"], term) is var i && i >= 0 ? i : 99;

    /// <summary>
    /// Lessons 03 and 05: one number per class, several rows side by side (a pixel's fuzzy targets for K = 1, 2, 3, C; class
    /// weights by β). <paramref name="yTitle"/> says what the values are (lesson 03: target probability q_c; lesson 05: class weight r_c).
    /// </summary>
    public static GenericChart Distributions(string title, IReadOnlyList<(string Name, double[] Distribution)> rows, IReadOnlyList<string> classNames,
        string yTitle = "target probability q_c")
    {
        var traces = rows.Select(r => (Trace)Plot.Bar(r.Name, classNames, r.Distribution)).ToList();
        return Plot.Chart(traces, Plot.Layout(title, yTitle: yTitle,
            extra: new Dictionary<string, object> { ["barmode"] = "group", ["height"] = 380, ["xaxis"] = Plot.CategoryAxis(classNames, "class") }));
    }
}
