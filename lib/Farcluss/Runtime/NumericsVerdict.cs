namespace Farcluss.Runtime;

/// <summary>What the numerics check found on one numeric path (<see cref="NumericPath"/>).</summary>
/// <param name="Path">The path checked.</param>
/// <param name="Passed">Finite, bitwise identical in every repeat, and within <see cref="NumericsCheck.Tolerance"/> of the reference.</param>
/// <param name="Reason">Why it failed, or "ok".</param>
/// <param name="Repeats">Repeats of the whole set of passes.</param>
/// <param name="NonFinite">Repeats with a non-finite value in any pass.</param>
/// <param name="Distinct">Distinct results among the repeats (1 when repeatable).</param>
/// <param name="MaxRelativeError">Largest ‖x − reference‖ / ‖reference‖ over the passes' outputs (NaN when not finite).</param>
/// <param name="MsPerRepeat">Median time of one repeat (all passes), ms: what the path costs, compared in one process.</param>
public sealed record PathVerdict(string Path, bool Passed, string Reason, int Repeats, int NonFinite, int Distinct,
                                 double MaxRelativeError, double MsPerRepeat);

/// <summary>
/// The numerics check's verdict for one shape on one machine: the path the process computes with, and every
/// path checked on the way. Written into each run's config.json and metrics.jsonl (key "numerics"), so every
/// number the kit reports says how it was computed.
/// </summary>
public sealed record NumericsVerdict
{
    /// <summary>The path chosen: <see cref="NumericPath.Default"/>, <see cref="NumericPath.OneDnnOff"/> or <see cref="NumericPath.Cuda"/>.</summary>
    public required string Path { get; init; }
    /// <summary><see cref="NumericPath.Describe"/> of <see cref="Path"/>.</summary>
    public required string Description { get; init; }
    /// <summary>The CPU, as <see cref="CpuInfo.ToString"/>.</summary>
    public required string Cpu { get; init; }
    /// <summary>The CPU's instruction-set flags that oneDNN's kernel choice depends on.</summary>
    public string CpuIsa { get; init; } = "";
    /// <summary>The libtorch package version.</summary>
    public required string Libtorch { get; init; }
    /// <summary>DNNL_MAX_CPU_ISA (or ONEDNN_MAX_CPU_ISA) of the environment, or null.</summary>
    public string? IsaCap { get; init; }
    /// <summary>Torch intra-op threads during the check.</summary>
    public int Threads { get; init; }
    /// <summary>The shapes checked (<see cref="NumericsShape.ToString"/>).</summary>
    public required string Shape { get; init; }
    /// <summary>Each path checked, in the order tried (empty on CUDA).</summary>
    public IReadOnlyList<PathVerdict> Checked { get; init; } = [];
    /// <summary>When the check ran (UTC, ISO 8601).</summary>
    public string CheckedAt { get; init; } = "";
    /// <summary>Seconds the whole check took (reference and every path).</summary>
    public double Seconds { get; init; }
    /// <summary>True when this process took the verdict from the cache instead of checking.</summary>
    public bool FromCache { get; init; }

    /// <summary>The chosen path's time per repeat over the default path's, when both were measured (else null).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? CostRatio
    {
        get
        {
            var first = Checked.FirstOrDefault(c => c.Path == NumericPath.Default);
            var chosen = Checked.FirstOrDefault(c => c.Path == Path);
            return first is null || chosen is null || first.MsPerRepeat <= 0 ? null : chosen.MsPerRepeat / first.MsPerRepeat;
        }
    }

    /// <summary>One line saying which path is used and why; for a fallback, with its measured cost.</summary>
    public string Summary()
    {
        if (Path == NumericPath.Cuda) return "numerics: CUDA device (oneDNN not used; no CPU check)";
        var failed = Checked.Where(c => !c.Passed).ToList();
        var cached = FromCache ? " (verdict cached for this CPU, libtorch and shape)" : $" (checked in {Seconds:F1} s, then cached)";
        if (failed.Count == 0)
            return $"numerics: {Description} passed the check (finite, repeatable, within {NumericsCheck.Tolerance:0e0} of float64){cached}";
        var why = string.Join("; ", failed.Select(f => $"{NumericPath.Describe(f.Path)}: {f.Reason}"));
        var cost = CostRatio is double r ? $", measured {r:F1}× the time per pass" : "";
        return $"numerics: {why} on {Cpu}; using {Description} instead{cost}{cached} (docs/numerics.md)";
    }
}
