using System.Security.Cryptography;
using System.Text;

namespace Farcluss.Runtime;

/// <summary>
/// What the numerics check keys its verdict by: the CPU (vendor, model name, family, model, stepping, and the
/// instruction-set flags oneDNN chooses its kernels from), the native libraries' versions, the thread count and
/// the ISA cap. A verdict made under one fingerprint is never used under another.
/// </summary>
public sealed record CpuInfo(string Vendor, string ModelName, string Family, string Model, string Stepping, string Flags)
{
    /// <summary>The flags worth printing: those oneDNN's kernel choice depends on.</summary>
    static readonly string[] IsaFlags =
        ["sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8"];

    /// <summary>Test-only: a file read instead of /proc/cpuinfo, so a test can show that another CPU gets its own verdict.</summary>
    public const string TestFileVariable = "FARCLUSS_TEST_CPUINFO";

    /// <summary>This machine's first processor, from /proc/cpuinfo (fields "unknown" where it has none).</summary>
    public static CpuInfo Read()
    {
        var fields = new Dictionary<string, string>();
        var file = Environment.GetEnvironmentVariable(TestFileVariable) is { Length: > 0 } fake ? fake : "/proc/cpuinfo";
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0) break; // the first processor's block is enough: a VM shows the same CPU on every core
                int colon = line.IndexOf(':');
                if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        string F(string key) => fields.TryGetValue(key, out var v) && v.Length > 0 ? v : "unknown";
        return new CpuInfo(F("vendor_id"), F("model name"), F("cpu family"), F("model"), F("stepping"), F("flags"));
    }

    /// <summary>"AMD EPYC (cpu family 26, model 2)".</summary>
    public override string ToString() => $"{ModelName} (cpu family {Family}, model {Model})";

    /// <summary>The instruction-set flags among <see cref="IsaFlags"/> this CPU has, in that order.</summary>
    public string IsaSummary()
    {
        var have = Flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return string.Join(' ', IsaFlags.Where(have.Contains));
    }

    /// <summary>
    /// The key of a verdict: this CPU, the libtorch and TorchSharp versions, threads, ISA cap, and
    /// <paramref name="what"/> (the shape checked). Hex SHA-256, so the cache file holds no machine details twice.
    /// </summary>
    public string Key(string libTorchVersion, string torchSharpVersion, int threads, string? isaCap, string what)
    {
        var text = string.Join('\n', Vendor, ModelName, Family, Model, Stepping, Flags,
            $"libtorch {libTorchVersion}", $"TorchSharp {torchSharpVersion}", $"threads {threads}", $"isa cap {isaCap ?? "none"}", what);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
