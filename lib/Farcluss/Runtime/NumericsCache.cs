using System.Text.Json;
using System.Text.Json.Nodes;

namespace Farcluss.Runtime;

/// <summary>
/// The numerics check's verdicts, one JSON file per user: <c>$FARCLUSS_NUMERICS_CACHE</c>, else
/// <c>$XDG_CACHE_HOME/farcluss/numerics.json</c>, else <c>~/.cache/farcluss/numerics.json</c>. Keyed by
/// <see cref="CpuInfo.Key"/>, so a verdict is found again only on the same CPU, libtorch, threads, ISA cap and
/// shape. It is only a cache: a file that cannot be read or written is ignored (the check then runs again).
/// </summary>
public sealed class NumericsCache(string path)
{
    public const string PathVariable = "FARCLUSS_NUMERICS_CACHE";
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string FilePath { get; } = path;

    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } set) return set;
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "farcluss", "numerics.json");
    }

    /// <summary>The verdict stored under <paramref name="key"/>, or null.</summary>
    public NumericsVerdict? Find(string key)
    {
        try { return Read()[key]?.Deserialize<NumericsVerdict>(Json); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException) { return null; }
    }

    /// <summary>Stores <paramref name="verdict"/> under <paramref name="key"/>, keeping the others; failures are ignored.</summary>
    public void Save(string key, NumericsVerdict verdict)
    {
        try
        {
            var all = Read();
            all[key] = JsonSerializer.SerializeToNode(verdict with { FromCache = false }, Json);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
            AtomicFile.WriteAllText(FilePath, all.ToJsonString(Json));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KitException) { }
    }

    JsonObject Read()
    {
        try
        {
            var info = new FileInfo(FilePath);
            if (!info.Exists || info.Length > 16 << 20) return new JsonObject(); // a cache, not an input: a huge one is dropped
            return JsonNode.Parse(File.ReadAllText(FilePath)) as JsonObject ?? new JsonObject();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return new JsonObject(); }
    }
}
