using System.Text.Json.Nodes;

namespace Farcluss.Config;

/// <summary>
/// Which settings two configs disagree on, as "key: recorded → requested" lines with snake_case paths
/// (<c>optimizer.learning_rate: 0.001 → 0.01</c>). Used where a run must continue or join results
/// with the settings it was made with: <c>train --resume</c> and <c>ablate</c>'s merge.
/// </summary>
public static class ConfigDifference
{
    /// <summary>
    /// Settings that say how a run is watched or paced, never what it computes: how often it logs,
    /// evaluates on validation or checkpoints, and how many non-finite steps it tolerates before stopping.
    /// A resume may change these (config.json then records the new values).
    /// </summary>
    public static readonly IReadOnlySet<string> Bookkeeping = new HashSet<string>
    {
        "log_every", "eval_every", "checkpoint_every", "max_bad_steps",
    };

    /// <summary>
    /// Where a run executes: torch threads and the device. They leave every setting of the method as it
    /// was, though a different thread count or device can change the last bits of the numbers.
    /// </summary>
    public static readonly IReadOnlySet<string> Execution = new HashSet<string> { "threads", "device" };

    /// <summary>The differing settings, in the config's order, leaving out <paramref name="ignore"/> (full paths).</summary>
    public static IReadOnlyList<string> Between(TrainingConfig recorded, TrainingConfig requested, IEnumerable<string>? ignore = null)
    {
        var skip = new HashSet<string>(ignore ?? []);
        var differences = new List<string>();
        Compare(JsonNode.Parse(ConfigFile.ToJson(recorded)), JsonNode.Parse(ConfigFile.ToJson(requested)), "", skip, differences);
        return differences;
    }

    static void Compare(JsonNode? recorded, JsonNode? requested, string path, HashSet<string> skip, List<string> differences)
    {
        if (skip.Contains(path)) return;
        if (recorded is JsonObject a && requested is JsonObject b)
        {
            foreach (var key in a.Select(kv => kv.Key).Concat(b.Select(kv => kv.Key)).Distinct())
                Compare(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}", skip, differences);
            return;
        }
        string Text(JsonNode? n) => n?.ToJsonString() ?? "null";
        if (Text(recorded) != Text(requested)) differences.Add($"{path}: {Text(recorded)} → {Text(requested)}");
    }
}
