using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Farcluss.Config;

namespace Farcluss.Training;

/// <summary>One run of an ablation: a variant (a <see cref="MethodSettings"/> value) and a seed.</summary>
public sealed record AblationRun
{
    public required string Variant { get; init; }
    public required MethodSettings Settings { get; init; }
    public required int Seed { get; init; }
    /// <summary>Test mIoU of the teacher (the reported model), a fraction in [0, 1].</summary>
    public required double Miou { get; init; }
    public required double[] PerClassIou { get; init; }
    public required double StudentMiou { get; init; }
    public double? ValidationMiou { get; init; }
    public double[]? ValidationPerClassIou { get; init; }
    public double? ValidationRarestThreeIou { get; init; }
    /// <summary>Mean IoU of the three rarest classes (by training pixel frequency).</summary>
    public required double RarestThreeIou { get; init; }
    public required double MsPerStep { get; init; }
    public required int Steps { get; init; }
    public double ForegroundPseudoLabelAccuracy { get; init; } = double.NaN;
    public double WeightKept { get; init; } = double.NaN;
    /// <summary>How the run computed (<see cref="Runtime.NumericsVerdict"/>: path, CPU, libtorch); absent in runs made before it was recorded.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NumericPath { get; init; }
}

/// <summary>A set of runs, with the command that made them, as committed under results/.</summary>
public sealed record AblationReport
{
    public required string Command { get; init; }
    public required string Preset { get; init; }
    public required string[] ClassNames { get; init; }
    public required int[] RarestClasses { get; init; }
    /// <summary>Which split the Markdown table reports: "test" (results) or "validation" (a settings search).</summary>
    public string Split { get; init; } = "test";
    /// <summary>The config every run started from (before its variant and seed): runs merge into a file only
    /// when this agrees (<see cref="Ablation.MergeDifferences"/>). Null in files written before it was recorded.</summary>
    public TrainingConfig? Config { get; init; }
    public List<AblationRun> Runs { get; init; } = new();
}

/// <summary>
/// Runs variants × seeds with the one trainer and summarises them (mean ± std over seeds).
/// Used by `farcluss compare`, `farcluss ablate` and notebook 07.
/// </summary>
public static class Ablation
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Trains one variant with one seed and evaluates it.</summary>
    public static AblationRun RunOne(TrainingConfig baseConfig, TrainingData data, string variant, int seed,
        Action<TrainingProgress>? onProgress = null, string? runDirectory = null)
    {
        var config = baseConfig with { Method = Variants.Get(variant, baseConfig.Method), Seed = seed };
        using var trainer = new Trainer(config, data) { OnProgress = onProgress };
        var result = trainer.Run(runDirectory);
        var rarest = data.RarestClasses(3);
        var lastSemi = result.Log.LastOrDefault(s => s.UnsupervisedLambda > 0);
        return new AblationRun
        {
            Variant = variant,
            Settings = config.Method,
            Seed = seed,
            Miou = result.TeacherTest.MeanIoU,
            PerClassIou = result.TeacherTest.PerClassIoU,
            StudentMiou = result.StudentTest.MeanIoU,
            ValidationMiou = result.TeacherValidation?.MeanIoU,
            ValidationPerClassIou = result.TeacherValidation?.PerClassIoU,
            ValidationRarestThreeIou = result.TeacherValidation is { } v ? RarestMean(v.PerClassIoU, rarest) : null,
            RarestThreeIou = RarestMean(result.TeacherTest.PerClassIoU, rarest),
            MsPerStep = result.MsPerStep,
            Steps = config.Steps,
            ForegroundPseudoLabelAccuracy = lastSemi?.ForegroundPseudoLabelAccuracy ?? double.NaN,
            WeightKept = lastSemi?.WeightKept ?? double.NaN,
            NumericPath = $"{trainer.Numerics.Path} ({trainer.Numerics.Cpu}, libtorch {trainer.Numerics.Libtorch})",
        };
    }

    static double RarestMean(double[] perClass, int[] rarest) =>
        rarest.Select(c => perClass[c]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();

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
            string Signed(double v) => (v >= 0 ? "+" : "") + Percent(v);
            sb.AppendLine().Append($"FARCLUSS − {baseline}: {Signed(pairs.Average(p => p.Miou))} mIoU, ")
              .Append($"{Signed(pairs.Average(p => p.Rarest))} rarest-three IoU (mean over {pairs.Count} seed{(pairs.Count == 1 ? "" : "s")}; ")
              .Append("per seed: " + string.Join(", ", pairs.Select(p => $"{Signed(p.Miou)} (seed {p.Seed})")) + ").");
            sb.AppendLine();
        }
    }

    static string Percent(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("F1", CultureInfo.InvariantCulture);

    static string Pm(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0) return "–";
        double mean = v.Average();
        if (v.Length == 1) return Percent(mean);
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return $"{Percent(mean)} ± {Percent(std)}";
    }
}
