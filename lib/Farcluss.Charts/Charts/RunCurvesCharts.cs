using Plotly.NET;

namespace Farcluss.Charts;

public static partial class LessonCharts
{
    /// <summary>Lesson 05: one bar per class (category axis, background included) for each run, values in [0, 1] shown in %.</summary>
    public static GenericChart PerClassValues(string title, string yTitle, IReadOnlyList<(string Name, double[] Values)> runs, IReadOnlyList<string> classNames)
    {
        var traces = runs.Select(r => (Trace)Plot.Bar(r.Name, classNames, r.Values.Select(v => 100 * v))).ToList();
        return Plot.Chart(traces, Plot.Layout(title, yTitle: yTitle,
            extra: new Dictionary<string, object> { ["barmode"] = "group", ["height"] = 420, ["xaxis"] = Plot.CategoryAxis(classNames, "class") }));
    }

    /// <summary>
    /// Lesson 07: two panels over training for several runs of one regime: the teacher's validation mIoU
    /// (left) and its foreground pseudo-label accuracy on the unlabeled canvases (right; supervised runs
    /// have none). One colour per run in both panels.
    /// </summary>
    public static GenericChart Regime(string title, IReadOnlyList<RunCurves> runs)
    {
        var traces = new List<Trace>();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            string color = Plot.ClassColor(i + 1);
            var miou = Plot.Line(run.Name, run.EvalSteps, run.ValidationMiou.Select(v => 100 * v), color).InSubplot(1);
            miou.SetProperty("legendgroup", run.Name);
            traces.Add(miou);
            if (run.ForegroundPseudoLabelAccuracy.Any(double.IsFinite))
            {
                var fg = Plot.Line(run.Name, run.LogSteps, run.ForegroundPseudoLabelAccuracy.Select(v => 100 * v), color).InSubplot(2);
                fg.SetProperty("legendgroup", run.Name);
                fg.SetProperty("showlegend", false);
                traces.Add(fg);
            }
        }
        var extra = Plot.Grid(1, 2, ["teacher's validation mIoU (%)", "teacher's foreground pseudo-label accuracy (%)"]);
        extra["xaxis"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "step" } };
        extra["xaxis2"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "step" } };
        extra["yaxis"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "mIoU (%)" } };
        extra["yaxis2"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = "accuracy (%)" } };
        extra["height"] = 430;
        return Plot.Chart(traces, Plot.Layout(title, extra: extra));
    }
}
