using System.Text.Json;

namespace Farcluss.Training;

/// <summary>Appends training statistics and evaluations to a JSON-lines file, one object a line, flushed each line.</summary>
public sealed class MetricsWriter : IDisposable
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    readonly StreamWriter _writer;

    public MetricsWriter(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(path, append: true);
    }

    public void Write(StepStats stats) => WriteLine(new { kind = "train", stats });
    public void Write(EvalResult eval) => WriteLine(new { kind = "eval", eval });

    void WriteLine(object value)
    {
        _writer.WriteLine(JsonSerializer.Serialize(value, Json));
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();
}
