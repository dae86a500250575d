using System.Text.Json;
using System.Text.Json.Nodes;
using Plotly.NET;

namespace Farcluss.Charts;

/// <summary>
/// What a committed run's metrics.jsonl says over training (results/search/&lt;regime&gt;/&lt;variant&gt;-s&lt;seed&gt;/):
/// the teacher's validation mIoU every <c>eval_every</c> steps, its foreground pseudo-label accuracy and
/// per-class pseudo-label accuracy, and the rebalancer's f_c and r_c every <c>log_every</c> steps.
/// </summary>
public sealed record RunCurves(
    string Name,
    double[] EvalSteps, double[] ValidationMiou,
    double[] LogSteps, double[] ForegroundPseudoLabelAccuracy, double[][] PseudoLabelAccuracyPerClass,
    double[][] ClassFrequencies, double[][] ClassWeights,
    double TestMiou, double[] TestPerClassIou)
{
    /// <summary>Reads one run's metrics.jsonl (as the trainer writes it). Lines that are not whole JSON are an error naming the file.</summary>
    public static RunCurves Read(string metricsPath, string? name = null)
    {
        if (!File.Exists(metricsPath)) throw new KitException("no such file (run `./farcluss train ... --out` or see results/search/README.md)", metricsPath);
        var evalSteps = new List<double>(); var val = new List<double>();
        var logSteps = new List<double>(); var fg = new List<double>();
        var perClass = new List<double[]>(); var f = new List<double[]>(); var r = new List<double[]>();
        double testMiou = double.NaN; double[] testPerClass = [];
        int lineNumber = 0;
        foreach (var line in File.ReadLines(metricsPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonObject row;
            try { row = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object"); }
            catch (JsonException e) { throw new KitException($"line {lineNumber} is not a JSON object ({e.Message})", metricsPath); }
            if (row["kind"]?.GetValue<string>() == "train" && row["stats"] is JsonObject s)
            {
                logSteps.Add(Number(s["step"]));
                fg.Add(Number(s["foreground_pseudo_label_accuracy"]));
                perClass.Add(Numbers(s["pseudo_label_accuracy_per_class"]));
                f.Add(Numbers(s["class_frequencies"]));
                r.Add(Numbers(s["class_weights"]));
            }
            else if (row["kind"]?.GetValue<string>() == "eval" && row["eval"] is JsonObject e && e["model"]?.GetValue<string>() == "teacher")
            {
                var split = e["split"]?.GetValue<string>();
                if (split == "validation") { evalSteps.Add(Number(e["step"])); val.Add(Number(e["mean_io_u"])); }
                if (split == "test") { testMiou = Number(e["mean_io_u"]); testPerClass = Numbers(e["per_class_io_u"]); }
            }
        }
        return new RunCurves(name ?? Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(metricsPath)))!,
            evalSteps.ToArray(), val.ToArray(), logSteps.ToArray(), fg.ToArray(), perClass.ToArray(), f.ToArray(), r.ToArray(),
            testMiou, testPerClass);
    }

    /// <summary>The logged intervals as the trainer's <see cref="Farcluss.Training.StepStats"/> (step, pseudo-label accuracy, f_c, r_c),
    /// for the charts that take a live run's log.</summary>
    public IReadOnlyList<Farcluss.Training.StepStats> Log() => LogSteps.Select((step, i) => new Farcluss.Training.StepStats
    {
        Step = (long)step,
        ForegroundPseudoLabelAccuracy = ForegroundPseudoLabelAccuracy[i],
        PseudoLabelAccuracyPerClass = PseudoLabelAccuracyPerClass[i],
        ClassFrequencies = ClassFrequencies[i],
        ClassWeights = ClassWeights[i],
    }).ToList();

    /// <summary>Per-class pseudo-label accuracy of the teacher on the unlabeled canvases, averaged over the logged intervals
    /// after <paramref name="fromStep"/> (NaN where a class was never the hidden label).</summary>
    public double[] PseudoLabelAccuracyPerClassAfter(double fromStep)
    {
        var rows = LogSteps.Select((s, i) => (s, i)).Where(x => x.s > fromStep && PseudoLabelAccuracyPerClass[x.i].Length > 0)
            .Select(x => PseudoLabelAccuracyPerClass[x.i]).ToList();
        if (rows.Count == 0) return [];
        return Enumerable.Range(0, rows[0].Length)
            .Select(c => rows.Select(r => r[c]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()).ToArray();
    }

    static double Number(JsonNode? node) => node switch
    {
        null => double.NaN,
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var p) => p, // "NaN"
        _ => double.NaN,
    };

    static double[] Numbers(JsonNode? node) => node is JsonArray a ? a.Select(Number).ToArray() : [];
}
