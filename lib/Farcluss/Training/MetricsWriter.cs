using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Farcluss.Evaluation;

namespace Farcluss.Training;

/// <summary>
/// Appends training statistics and evaluations to a JSON-lines file, one object a line. Each line
/// goes to the file in one write call, so a killed process leaves whole lines only. Opening the file
/// for a trainer at step s first keeps only what a run reaching step s had written (a resumed run
/// drops the lines its killed predecessor wrote after the checkpoint, and any half line a power cut
/// left), so the file reads as if the run had never stopped.
/// </summary>
public sealed class MetricsWriter : IDisposable
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    readonly FileStream _stream;
    readonly string _path;

    /// <summary>Opens <paramref name="path"/> for a run at <paramref name="step"/> of <paramref name="totalSteps"/>
    /// (step 0: a fresh file).</summary>
    public MetricsWriter(string path, long step = 0, long totalSteps = long.MaxValue)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        KeepLinesUpTo(path, step, totalSteps);
        try { _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KitException($"could not open the metrics file ({e.Message})", path, e);
        }
    }

    public void Write(StepStats stats) => WriteLine(new { kind = "train", stats });
    public void Write(EvalResult eval) => WriteLine(new { kind = "eval", eval });
    /// <summary>How the run's numbers are computed from <paramref name="step"/> on (a resumed run may compute on another path).</summary>
    public void Write(Runtime.NumericsVerdict numerics, long step) => WriteLine(new { kind = "numerics", step, numerics });

    void WriteLine(object value)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, Json) + "\n");
        long before = _stream.Position;
        try
        {
            _stream.Write(line);
            _stream.Flush();
        }
        catch (IOException e)
        {
            // Disk full: take back the part of the line that was written, so the file keeps whole lines only.
            try { _stream.SetLength(before); } catch (IOException) { }
            throw new KitException($"could not append to the metrics file ({e.Message})", _path, e);
        }
    }

    /// <summary>
    /// Rewrites the file (atomically) with the whole lines a run at <paramref name="step"/> had
    /// written: train lines up to that step, evaluations before it, and evaluations at it unless it is
    /// the last step (the final evaluation runs again after a resume). A missing file stays missing.
    /// </summary>
    public static void KeepLinesUpTo(string path, long step, long totalSteps)
    {
        if (!File.Exists(path)) return;
        var kept = new StringBuilder();
        foreach (var line in File.ReadAllText(path).Split('\n'))
        {
            if (LineStep(line) is not (string kind, long lineStep)) continue; // blank or half-written
            if (lineStep < step || (lineStep == step && (kind == "train" || kind == "eval" && step < totalSteps)))
                kept.Append(line).Append('\n');
        }
        AtomicFile.WriteAllText(path, kept.ToString());
    }

    static (string Kind, long Step)? LineStep(string line)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject o || o["kind"]?.GetValue<string>() is not string kind) return null;
            var step = (kind switch { "train" => o["stats"]?["step"], "eval" => o["eval"]?["step"], _ => o["step"] })?.GetValue<long>();
            return step is long s ? (kind, s) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
