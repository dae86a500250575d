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
