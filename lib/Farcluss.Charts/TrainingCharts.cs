using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Charts;

public static partial class LessonCharts
{
    /// <summary>Lessons 02–07: any numbers over training steps, one line per series.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var traces = series.Select(s => (Trace)Plot.Line(s.Name, s.X, s.Y)).ToList();
        return Plot.Chart(traces, Plot.Layout(title, xTitle, yTitle));
    }

    /// <summary>
    /// Lesson 05: the rebalancer's smoothed frequencies f_c (log axis) and class weights r_c over
    /// the logged steps, one colour per class in both panels.
    /// </summary>
    public static GenericChart ClassStatistics(IReadOnlyList<StepStats> log, IReadOnlyList<string> classNames)
    {
        var logged = log.Where(s => s.ClassFrequencies.Length == classNames.Count).ToList();
        if (logged.Count == 0) throw new KitException("no class statistics in this log: was rebalancing on (method.use_rebalancing)?");
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
        extra["yaxis"] = new Dictionary<string, object> { ["type"] = "log", ["title"] = new Dictionary<string, object> { ["text"] = "f_c (share of pseudo-label mass)" } };
        extra["yaxis2"] = Plot.AxisTitle("r_c (class weight; Σ_c f_c r_c = 1)");
        extra["xaxis"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "step" } };
        extra["xaxis2"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "step" } };
        extra["height"] = 430;
        return Plot.Chart(traces, Plot.Layout("Adaptive class rebalancing over training", extra: extra));
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

    /// <summary>Lesson 08: milliseconds per step in each part, stacked, one bar per variant.</summary>
    public static GenericChart Cost(string title, IReadOnlyList<(string Variant, IReadOnlyDictionary<string, double> MsPerTerm)> variants)
    {
        var terms = variants.SelectMany(v => v.MsPerTerm.Keys).Distinct().OrderBy(TermOrder).ToList();
        var names = variants.Select(v => v.Variant).ToArray();
        var traces = terms.Select(t => (Trace)Plot.Bar(t, names, variants.Select(v => v.MsPerTerm.TryGetValue(t, out var ms) ? ms : 0))).ToList();
        return Plot.Chart(traces, Plot.Layout(title, "variant", "ms per training step", new Dictionary<string, object> { ["barmode"] = "stack", ["height"] = 430 }));
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
