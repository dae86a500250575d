using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Farcluss.Config;

namespace Farcluss.Training;

/// <summary>
/// A set of runs, with the command that made them, as committed under results/ (results/ablation.json): its JSON
/// (<see cref="ToJson"/>, <see cref="FromJson"/>), the rule for which runs may join it (<see cref="MergeDifferences"/>)
/// and its Markdown table (<see cref="ToMarkdown"/>). Saving under a lock is <see cref="ResultsStem"/>.
/// </summary>
public sealed record AblationReport
{
    public required string Command { get; init; }
    public required string Preset { get; init; }
    public required string[] ClassNames { get; init; }
    public required int[] RarestClasses { get; init; }
    /// <summary>Which split the Markdown table reports: "test" (results) or "validation" (a settings search).</summary>
    public string Split { get; init; } = "test";
    /// <summary>The config every run started from (before its variant and seed): runs merge into a file only
    /// when this agrees (<see cref="MergeDifferences"/>). Null in files written before it was recorded.</summary>
    public TrainingConfig? Config { get; init; }
    public List<AblationRun> Runs { get; init; } = new();

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The results file's JSON (snake_case keys, indented).</summary>
    public static string ToJson(AblationReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>
    /// Why the runs of <paramref name="next"/> may not join those of <paramref name="previous"/> (empty: they
    /// may): every setting that differs, by its config key, except the seed (runs carry their own) and the
    /// bookkeeping and execution settings (<see cref="ConfigDifference"/>); and the split the table reports.
    /// A file written before configs were recorded is compared on what it does record: the preset's name,
    /// each run's steps and each variant's method settings.
    /// </summary>
    public static IReadOnlyList<string> MergeDifferences(AblationReport previous, AblationReport next)
    {
        var differences = new List<string>();
        if (previous.Split != next.Split) differences.Add($"report split: {previous.Split} → {next.Split}");
        if (next.Config is null) throw new ArgumentException("the new runs' config is needed", nameof(next));
        if (previous.Config is not null)
        {
            differences.AddRange(ConfigDifference.Between(previous.Config, next.Config,
                ConfigDifference.Bookkeeping.Concat(ConfigDifference.Execution).Append("seed")));
            return differences;
        }
        if (previous.Preset != next.Preset) differences.Add($"preset: {previous.Preset} → {next.Preset}");
        foreach (var steps in previous.Runs.Select(r => r.Steps).Distinct().Where(s => s != next.Config.Steps))
            differences.Add($"steps: {steps} → {next.Config.Steps}");
        foreach (var run in previous.Runs.DistinctBy(r => r.Variant))
        {
            var recorded = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(run.Settings, Json))!.AsObject();
            var requested = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(Variants.Get(run.Variant, next.Config.Method), Json))!.AsObject();
            foreach (var (key, value) in recorded)
                if (value?.ToJsonString() != requested[key]?.ToJsonString())
                    differences.Add($"{run.Variant}: method.{key}: {value?.ToJsonString()} → {requested[key]?.ToJsonString()}");
        }
        return differences;
    }

    public static AblationReport FromJson(string json, string source)
    {
        try { return JsonSerializer.Deserialize<AblationReport>(json, Json) ?? throw new KitException("empty results file", source); }
        catch (JsonException e) { throw new KitException($"not a results file: {e.Message}", source, e); }
    }

    /// <summary>Markdown table: mean ± std over seeds per variant, in the order first seen. Given the JSON text
    /// it is made from, the table names that file and its SHA-256, so a table left stale by a kill shows it.</summary>
    public static string ToMarkdown(AblationReport report, string? json = null, string? jsonName = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Command: `{report.Command}`").AppendLine();
        if (json is not null)
            sb.AppendLine($"Made from `{jsonName}`, SHA-256 `{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(json)))}`.").AppendLine();
        bool validation = report.Split == "validation";
        Func<AblationRun, double> miou = r => validation ? r.ValidationMiou ?? double.NaN : r.Miou;
        Func<AblationRun, double> rarest = r => validation ? r.ValidationRarestThreeIou ?? double.NaN : r.RarestThreeIou;
        Func<AblationRun, double[]> perClass = r => validation ? r.ValidationPerClassIou ?? r.PerClassIou.Select(_ => double.NaN).ToArray() : r.PerClassIou;
        sb.AppendLine($"{(validation ? "Validation" : "Test")} mIoU of the teacher in % (mean ± std over seeds); rarest three = " +
                      $"{string.Join(", ", report.RarestClasses.Select(c => report.ClassNames[c]))}.").AppendLine();
        sb.AppendLine("| variant | seeds | mIoU | student mIoU | rarest-three IoU | fg pseudo-label acc. | ms/step |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var group in report.Runs.GroupBy(r => r.Variant))
        {
            var runs = group.ToList();
            sb.AppendLine($"| {group.Key} | {runs.Count} | {Pm(runs.Select(miou))} | {(validation ? "–" : Pm(runs.Select(r => r.StudentMiou)))} | " +
                          $"{Pm(runs.Select(rarest))} | {Pm(runs.Select(r => r.ForegroundPseudoLabelAccuracy))} | " +
                          $"{runs.Average(r => r.MsPerStep).ToString("F0", CultureInfo.InvariantCulture)} |");
        }
        AppendGains(sb, report.Runs, miou, rarest);
        sb.AppendLine().AppendLine($"Per-class {(validation ? "validation" : "test")} IoU in % (mean over seeds):").AppendLine();
        sb.AppendLine("| variant | " + string.Join(" | ", report.ClassNames) + " |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", report.ClassNames.Length)));
        foreach (var group in report.Runs.GroupBy(r => r.Variant))
        {
            var means = Enumerable.Range(0, report.ClassNames.Length)
                .Select(c => group.Select(r => perClass(r)[c]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average());
            sb.AppendLine($"| {group.Key} | " + string.Join(" | ", means.Select(v => Percent(v))) + " |");
        }
        return sb.ToString();
    }

    /// <summary>FARCLUSS's gain over supervised and over hard pseudo-labels: mean over the seeds both have, and per seed.</summary>
    static void AppendGains(StringBuilder sb, List<AblationRun> runs, Func<AblationRun, double> miou, Func<AblationRun, double> rarest)
    {
        var farcluss = runs.Where(r => r.Variant == "farcluss").ToDictionary(r => r.Seed);
        foreach (var baseline in new[] { "supervised", "hard" })
        {
            var pairs = runs.Where(r => r.Variant == baseline && farcluss.ContainsKey(r.Seed)).OrderBy(r => r.Seed)
                .Select(r => (r.Seed, Miou: miou(farcluss[r.Seed]) - miou(r), Rarest: rarest(farcluss[r.Seed]) - rarest(r))).ToList();
            if (pairs.Count == 0) continue;
            sb.AppendLine().Append($"FARCLUSS − {baseline}: {Signed(pairs.Average(p => p.Miou))} mIoU, ")
              .Append($"{Signed(pairs.Average(p => p.Rarest))} rarest-three IoU (mean over {pairs.Count} seed{(pairs.Count == 1 ? "" : "s")}; ")
              .Append("per seed: " + string.Join(", ", pairs.Select(p => $"{Signed(p.Miou)} (seed {p.Seed})")) + ").");
            sb.AppendLine();
        }
    }

    /// <summary>A fraction as signed percentage points, one decimal: 0.052 → "+5.2"; a change that rounds to zero is "+0.0", never "-0.0".</summary>
    public static string Signed(double v)
    {
        var text = Percent(v);
        if (text == "-0.0") text = "0.0";
        return text.StartsWith('-') || text == "–" ? text : "+" + text;
    }

    internal static string Percent(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("F1", CultureInfo.InvariantCulture);

    internal static string Pm(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0) return "–";
        double mean = v.Average();
        if (v.Length == 1) return Percent(mean);
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return $"{Percent(mean)} ± {Percent(std)}";
    }
}
