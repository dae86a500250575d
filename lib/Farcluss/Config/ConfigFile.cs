using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Farcluss.Config;

/// <summary>
/// Reads and writes <see cref="TrainingConfig"/> as JSON with snake_case keys. A file is laid over a
/// preset: keys it names replace the preset's, keys it omits keep the preset's. An unknown key is an
/// error naming the file and the key, so a typo never trains silently with a default.
/// </summary>
public static class ConfigFile
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(TrainingConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>
    /// A run's config.json: the config, then under <see cref="NumericsKey"/> how its numbers were computed (the
    /// numerics check's verdict: path, CPU, libtorch). That key is a record, not a setting: <see cref="Parse"/>
    /// skips it, so a run's config.json can be given back with --config.
    /// </summary>
    public static string ToJson(TrainingConfig config, Farcluss.Runtime.NumericsVerdict numerics)
    {
        var node = JsonNode.Parse(ToJson(config))!.AsObject();
        node[NumericsKey] = JsonSerializer.SerializeToNode(numerics, Options);
        return node.ToJsonString(Options);
    }

    /// <summary>The key of config.json that records the numeric path (<see cref="ToJson(TrainingConfig, Farcluss.Runtime.NumericsVerdict)"/>).</summary>
    public const string NumericsKey = "numerics";

    /// <summary>Parses JSON text laid over <paramref name="basis"/>; <paramref name="source"/> names it in errors.</summary>
    public static TrainingConfig Parse(string json, TrainingConfig basis, string source)
    {
        JsonNode? overlay;
        try { overlay = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new KitException($"not valid JSON: {Echo.QuotedWithin(e.Message)}", source, e); }
        if (overlay is not JsonObject overlayObject) throw new KitException("a config file must hold one JSON object", source);
        overlayObject.Remove(NumericsKey); // a run's record of how it computed, not a setting
        var merged = JsonNode.Parse(ToJson(basis))!.AsObject();
        Merge(merged, overlayObject);
        try
        {
            return merged.Deserialize<TrainingConfig>(Options) ?? throw new KitException("empty config", source);
        }
        catch (JsonException e)
        {
            // System.Text.Json names the unknown member and its JSON path in the message.
            throw new KitException($"bad config: {Echo.QuotedWithin(e.Message)}", source, e);
        }
    }

    /// <summary>Largest config file read (1 MiB): the kit's own are under 2 KB, and a config is read whole.</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Reads a config file laid over <paramref name="basis"/> and checks its values, so that an
    /// impossible value is reported with the file that holds it.</summary>
    public static TrainingConfig Load(string path, TrainingConfig basis)
    {
        var config = Parse(RegularFile.ReadAllText(path, MaxBytes, "config file"), basis, path);
        try { config.ValidateBeforeData(); }
        catch (KitException e) when (e.FilePath is null) { throw new KitException(e.Message, path, e); }
        return config;
    }

    /// <summary>The class count of a dataset kind the kit knows, before any file is read (null: not known).</summary>
    public static int? ClassCountOf(DataSettings data) => data.Kind switch
    {
        "m2nist-lt" => Farcluss.Data.M2NistLt.NumClasses,
        "voc-folder" => Farcluss.Data.VocPalette.ClassNames.Count,
        "cityscapes-folder" => Farcluss.Data.CityscapesLabels.ClassNames.Count,
        _ => null,
    };

    /// <summary>Image channels of a dataset kind the kit knows: 1 for M2NIST-LT's grey canvases, 3 (RGB) otherwise.</summary>
    public static int ChannelCountOf(DataSettings data) => data.Kind == "m2nist-lt" ? 1 : 3;

    static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
    }
}
