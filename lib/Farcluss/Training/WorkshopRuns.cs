using System.Globalization;
using System.Text.Json.Nodes;
using Farcluss.Config;

namespace Farcluss.Training;

/// <summary>
/// Where the main job (<c>./farcluss compare</c>) keeps its runs, so that the lessons find them:
/// <c>runs/&lt;preset&gt;/&lt;variant&gt;-s&lt;seed&gt;/</c> under the repository, each holding
/// <c>config.json</c> (the run's whole config, variant applied), <c>checkpoint.bin</c> and
/// <c>metrics.jsonl</c>. A run is used only when its config matches the one a lesson expects
/// (<see cref="Find"/>); a run made with other settings is reported, never used silently.
/// Taught in notebooks 02–07 (their live experiments start from the supervised run's teacher).
/// </summary>
public static class WorkshopRuns
{
    /// <summary>The folder under the repository root that holds every preset's runs.</summary>
    public const string Folder = "runs";

    /// <summary>runs/&lt;preset&gt;/&lt;variant&gt;-s&lt;seed&gt; under <paramref name="root"/>.</summary>
    public static string RunDirectory(string root, string preset, string variant, int seed) =>
        Path.Combine(root, Folder, preset, $"{variant}-s{seed}");

    /// <summary>The config a variant's run of the main job trains with: the preset's, the variant laid over its method section, the seed.</summary>
    public static TrainingConfig ConfigOf(TrainingConfig preset, string variant, int seed) =>
        preset with { Method = Variants.Get(variant, preset.Method), Seed = seed };

    /// <summary>What <see cref="Find"/> found.</summary>
    /// <param name="Directory">The run folder looked at.</param>
    /// <param name="Usable">True: a finished run whose config matches; its checkpoint can be loaded.</param>
    /// <param name="Reason">Why it is not usable (absent, unfinished, or the settings that differ); empty when usable.</param>
    /// <param name="Finished">When its checkpoint was written (UTC), if it exists.</param>
    /// <param name="Config">The run's own config, if its config.json could be read.</param>
    public sealed record Match(string Directory, bool Usable, string Reason, DateTime? Finished, TrainingConfig? Config)
    {
        public string CheckpointPath => Path.Combine(Directory, "checkpoint.bin");
        public string MetricsPath => Path.Combine(Directory, "metrics.jsonl");
    }

    /// <summary>
    /// The main job's run of <paramref name="variant"/> with <paramref name="seed"/> for <paramref name="preset"/>,
    /// usable only if its config.json equals <paramref name="expected"/> in every setting that changes what is
    /// learned (threads, device, logging and checkpoint intervals and the data folder may differ) and its
    /// checkpoint holds the last step.
    /// </summary>
    public static Match Find(string root, string preset, string variant, int seed, TrainingConfig expected)
    {
        var directory = RunDirectory(root, preset, variant, seed);
        var configPath = Path.Combine(directory, "config.json");
        var checkpointPath = Path.Combine(directory, "checkpoint.bin");
        if (!File.Exists(configPath) || !File.Exists(checkpointPath))
            return new Match(directory, false, "no finished run there", null, null);
        var finished = File.GetLastWriteTimeUtc(checkpointPath);
        TrainingConfig config;
        try { config = ConfigFile.Parse(File.ReadAllText(configPath), new TrainingConfig(), configPath); }
        catch (KitException e) { return new Match(directory, false, $"its config.json cannot be read ({e.Message})", finished, null); }
        var differences = Differences(expected, config);
        if (differences.Count > 0)
            return new Match(directory, false, "made with other settings: " + string.Join("; ", differences.Take(4)) +
                             (differences.Count > 4 ? $"; and {differences.Count - 4} more" : ""), finished, config);
        long step;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(checkpointPath));
            step = CheckpointFile.ReadHeader(reader, checkpointPath).Step;
        }
        catch (Exception e) when (e is KitException or IOException) { return new Match(directory, false, $"its checkpoint cannot be read ({e.Message})", finished, config); }
        if (step != config.Steps) return new Match(directory, false, $"unfinished (checkpoint at step {step} of {config.Steps})", finished, config);
        return new Match(directory, true, "", finished, config);
    }

    /// <summary>Settings that differ between two configs, as "path: expected → found", ignoring those that do not change what is learned.</summary>
    public static IReadOnlyList<string> Differences(TrainingConfig expected, TrainingConfig found)
    {
        var a = JsonNode.Parse(ConfigFile.ToJson(Comparable(expected)))!;
        var b = JsonNode.Parse(ConfigFile.ToJson(Comparable(found)))!;
        var differences = new List<string>();
        Compare(a, b, "", differences);
        return differences;
    }

    static TrainingConfig Comparable(TrainingConfig c) => c with
    {
        Threads = 0, Device = "auto", EvalEvery = 0, LogEvery = 1, CheckpointEvery = 0, MaxBadSteps = 0,
        Data = c.Data with { Root = null },
    };

    static void Compare(JsonNode? a, JsonNode? b, string path, List<string> differences)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(kv => kv.Key).Union(ob.Select(kv => kv.Key)))
                Compare(oa[key], ob[key], path.Length == 0 ? key : $"{path}.{key}", differences);
            return;
        }
        string sa = a?.ToJsonString() ?? "null", sb = b?.ToJsonString() ?? "null";
        if (sa != sb) differences.Add($"{path}: {sb} (expected {sa})");
    }

    /// <summary>One line naming a config's main settings: steps, canvas, digit scale, labels, width, seed.</summary>
    public static string Describe(TrainingConfig c)
    {
        var m = c.Data.M2Nist;
        string Fraction(double f) => f > 0 && Math.Abs(1 / f - Math.Round(1 / f)) < 1e-9 ? $"1/{Math.Round(1 / f):0}" : f.ToString("0.###", CultureInfo.InvariantCulture);
        var data = c.Data.Kind == "m2nist-lt"
            ? $"{m.CanvasSize}×{m.CanvasSize} canvases, digits ×{m.DigitScale.ToString("0.##", CultureInfo.InvariantCulture)}, {Fraction(m.LabeledFraction)} labels"
            : c.Data.Kind;
        var warmup = c.Method.UseUnlabeled && c.Method.WarmupFraction > 0 ? $", first {c.Method.WarmupFraction:P0} supervised" : "";
        return $"{c.Steps} steps{warmup}, {data}, width {c.Model.Width?.ToString() ?? "40"}, seed {c.Seed}";
    }
}
