using Farcluss.Training;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// The results a lesson quotes, read from the files committed under results/ (never typed into the
/// prose, so that a lesson and results/ cannot disagree). A run's own metrics.jsonl is read by
/// <see cref="RunCurves.Read"/>. Used by lessons 05 and 07.
/// </summary>
public static partial class CommittedResults
{
    /// <summary>Every ablation report directly under results/ (file name, report), in file-name order; unreadable files are skipped.</summary>
    public static IReadOnlyList<(string File, AblationReport Report)> Ablations(string repositoryRoot)
    {
        var folder = Path.Combine(repositoryRoot, "results");
        if (!Directory.Exists(folder)) return [];
        var found = new List<(string, AblationReport)>();
        foreach (var file in Directory.GetFiles(folder, "*.json", SearchOption.TopDirectoryOnly).OrderBy(f => f))
        {
            try
            {
                var report = Farcluss.Training.AblationReport.FromJson(File.ReadAllText(file), file);
                if (report.Runs.Count > 0) found.Add((file, report));
            }
            catch (KitException) { } // another kind of JSON file
        }
        return found;
    }

    /// <summary>The committed ablation (results/ablation.json), or null when there is none.</summary>
    public static AblationReport? Ablation(string repositoryRoot) =>
        Ablations(repositoryRoot).Where(r => Path.GetFileName(r.File) == "ablation.json").Select(r => r.Report).FirstOrDefault();

    /// <summary>A variant's row (mean over seeds), or null.</summary>
    public static AblationRow? Row(AblationReport report, string variant) => AblationSummary.Rows(report).FirstOrDefault(r => r.Variant == variant);
}

public static partial class LessonCharts
{
    /// <summary>
    /// Lesson 07: confirmation bias, per class, at one logged interval of a semi-supervised run: how often the
    /// teacher's pseudo-label was right (against the hidden masks of the unlabeled canvases, bars, left axis) beside
    /// the class weight r_c that rebalancing gave the class (markers, right axis; absent without rebalancing).
    /// A class with low accuracy and a high weight is one whose wrong pseudo-labels are trained in harder.
    /// </summary>
    public static GenericChart PseudoLabelEvidence(string title, StepStats stats, IReadOnlyList<string> classNames)
    {
        var traces = new List<Trace> { Plot.Bar("pseudo-label accuracy (% of the class's pixels)", classNames, stats.PseudoLabelAccuracyPerClass.Select(v => 100 * v)) };
        if (stats.PseudoLabelShare.Length == classNames.Count)
            traces.Add(Plot.Bar("share of pseudo-labels (% of pixels)", classNames, stats.PseudoLabelShare.Select(v => 100 * v), color: "#c7c7c7"));
        var extra = new Dictionary<string, object> { ["barmode"] = "group", ["height"] = 430, ["xaxis"] = Plot.CategoryAxis(classNames, "true class (hidden mask)") };
        if (stats.ClassWeights.Length == classNames.Count)
        {
            var weights = Plot.Points("class weight r_c (right axis)", Enumerable.Range(0, classNames.Count).Select(i => (double)i), stats.ClassWeights, "#d62728", size: 10);
            weights.SetProperty("x", classNames.ToArray());
            weights.SetProperty("yaxis", "y2");
            traces.Add(weights);
            extra["yaxis2"] = new Dictionary<string, object>
            {
                ["title"] = new Dictionary<string, object> { ["text"] = "class weight r_c" }, ["overlaying"] = "y", ["side"] = "right", ["rangemode"] = "tozero",
            };
        }
        extra["legend"] = new Dictionary<string, object> { ["orientation"] = "h", ["y"] = -0.2 };
        return Plot.Chart(traces, Plot.Layout(title, yTitle: "%", extra: extra));
    }
}
