using Farcluss.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// Adaptive class rebalancing (METHOD.md §3). Holds smoothed per-class pseudo-label
/// frequencies f (uniform at start) and turns them into class weights
/// r_c = r̃_c / Σ_k f_k r̃_k with r̃_c = min((f_c + ε)^(−β), r_max), so the average pixel's
/// class weight under f is exactly 1 and rarer classes weigh more. Each pixel's class weight is
/// ρ_i = Σ_c q_i,c r_c (<see cref="PixelClassWeights(Tensor, Tensor)"/>); the unsupervised loss weighs pixel i by
/// w_i ρ_i, w being the uncertainty weight. The state stays on the device; <see cref="Update"/> never reads a value
/// back to the CPU. Taught in notebook 05 (class-rebalancing).
/// </summary>
public sealed class ClassRebalancer : IDisposable
{
    Tensor _frequencies;

    /// <summary>C.</summary>
    public int NumClasses { get; }
    /// <summary>m in f ← m f + (1 − m) f̂.</summary>
    public double Momentum { get; }
    /// <summary>β in (f + ε)^(−β).</summary>
    public double Beta { get; }
    /// <summary>ε in (f + ε)^(−β).</summary>
    public double Epsilon { get; }
    /// <summary>r_max, the cap on r̃ before normalisation (<c>method.max_class_weight</c>).</summary>
    public double MaxClassWeight { get; }

    /// <summary>A rebalancer with the settings' m, β, ε and r_max (their defaults are METHOD.md's: <see cref="MethodSettings"/>).</summary>
    public ClassRebalancer(int numClasses, MethodSettings settings, Device? device = null)
        : this(numClasses, settings.RebalanceMomentum, settings.RebalanceBeta, settings.RebalanceEpsilon, settings.MaxClassWeight, device) { }

    public ClassRebalancer(int numClasses, double momentum, double beta, double epsilon, double maxClassWeight, Device? device = null)
    {
        if (numClasses < 1) throw new KitException($"class rebalancing: number of classes must be ≥ 1, got {numClasses}");
        if (!SettingRules.IsMomentum(momentum)) throw new KitException($"class rebalancing: momentum must be in {SettingRules.MomentumRange}, got {momentum}");
        if (!(beta >= 0) || double.IsInfinity(beta)) throw new KitException($"class rebalancing: beta must be a finite number ≥ 0, got {beta}");
        if (!(epsilon > 0)) throw new KitException($"class rebalancing: epsilon must be > 0, got {epsilon}");
        if (!(maxClassWeight >= SettingRules.MinMaxClassWeight))
            throw new KitException($"class rebalancing: max_class_weight must be ≥ {SettingRules.MinMaxClassWeight}, got {maxClassWeight}");
        NumClasses = numClasses;
        Momentum = momentum;
        Beta = beta;
        Epsilon = epsilon;
        MaxClassWeight = maxClassWeight;
        // The state outlives any step's dispose scope, so it must not belong to one.
        _frequencies = torch.full(numClasses, 1.0 / numClasses, ScalarType.Float32, device).DetachFromDisposeScope();
    }

    /// <summary>
    /// The smoothed class frequencies f, [C] float32 on the state's device. This is the live
    /// state (do not dispose it; clone it to keep a snapshot). Setting copies the values in,
    /// e.g. when resuming from a checkpoint.
    /// </summary>
    public Tensor Frequencies
    {
        get => _frequencies;
        set
        {
            if (value.dim() != 1 || value.shape[0] != NumClasses)
                throw new ArgumentException($"frequencies must be [{NumClasses}], got [{string.Join(", ", value.shape)}]", nameof(value));
            using var noGrad = torch.no_grad();
            _frequencies.copy_(value);
        }
    }

    /// <summary>The state carried from step to step, by name (rollback and checkpoint iterate it).</summary>
    public static IReadOnlyList<StateTensor> StateOf(ClassRebalancer? r) => [new("rebalancer.frequencies", r?._frequencies)];

    /// <summary>
    /// One step of f ← m f + (1 − m) f̂ with f̂_c = n_c / Σ_k n_k and n_c = Σ_i q_i,c over the
    /// valid pixels. A batch without a valid pixel leaves f unchanged (decided on the device).
    /// </summary>
    /// <param name="fuzzyTargets">[B, C, H, W] fuzzy pseudo-labels q.</param>
    /// <param name="validMask">[B, H, W] bool: pixels that count.</param>
    public void Update(Tensor fuzzyTargets, Tensor validMask)
    {
        Shapes.RequireRank(fuzzyTargets, 4, nameof(fuzzyTargets), "[B, C, H, W]");
        if (fuzzyTargets.shape[1] != NumClasses)
            throw new ArgumentException($"fuzzyTargets has {fuzzyTargets.shape[1]} classes, the rebalancer {NumClasses}", nameof(fuzzyTargets));
        Shapes.RequirePixelMap(validMask, fuzzyTargets, nameof(validMask), nameof(fuzzyTargets));
        Shapes.RequireBool(validMask, nameof(validMask));

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        FollowDevice(fuzzyTargets.device);
        var validWeight = validMask.unsqueeze(1).to(fuzzyTargets.dtype);
        var batchCounts = (fuzzyTargets * validWeight).sum(new long[] { 0, 2, 3 }).to(ScalarType.Float32); // n_c
        var batchTotal = batchCounts.sum();
        var batchFrequencies = batchCounts / batchTotal.clamp_min(float.Epsilon); // f̂_c
        var smoothed = _frequencies * Momentum + batchFrequencies * (1.0 - Momentum);
        _frequencies.copy_(torch.where(batchTotal > 0, smoothed, _frequencies));
    }

    /// <summary>r_c = r̃_c / Σ_k f_k r̃_k, r̃_c = min((f_c + ε)^(−β), r_max); [C] float32.</summary>
    public Tensor ClassWeights()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var clipped = (_frequencies + Epsilon).pow(-Beta).clamp_max(MaxClassWeight); // r̃
        var averageUnderF = (_frequencies * clipped).sum();
        return (clipped / averageUnderF).MoveToOuterDisposeScope();
    }

    /// <summary>ρ_i = Σ_c q_i,c r_c.</summary>
    /// <param name="fuzzyTargets">[B, C, H, W] fuzzy pseudo-labels q.</param>
    /// <param name="classWeights">[C] class weights r (from <see cref="ClassWeights"/>).</param>
    /// <returns>[B, H, W] pixel class weights ρ.</returns>
    public Tensor PixelClassWeights(Tensor fuzzyTargets, Tensor classWeights)
    {
        Shapes.RequireRank(fuzzyTargets, 4, nameof(fuzzyTargets), "[B, C, H, W]");
        if (classWeights.dim() != 1 || classWeights.shape[0] != fuzzyTargets.shape[1])
            throw new ArgumentException($"classWeights must be [{fuzzyTargets.shape[1]}], got [{string.Join(", ", classWeights.shape)}]", nameof(classWeights));
        using var scope = torch.NewDisposeScope();
        var perClass = classWeights.to(fuzzyTargets.dtype, fuzzyTargets.device).view(1, -1, 1, 1);
        return (fuzzyTargets * perClass).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>ρ with the current <see cref="ClassWeights"/>.</summary>
    public Tensor PixelClassWeights(Tensor fuzzyTargets)
    {
        using var scope = torch.NewDisposeScope();
        return PixelClassWeights(fuzzyTargets, ClassWeights()).MoveToOuterDisposeScope();
    }

    /// <summary>Moves the state once to the device the data lives on, so Update stays device-side.</summary>
    void FollowDevice(Device device)
    {
        if (Shapes.IsOn(_frequencies, device)) return;
        var moved = _frequencies.to(device).DetachFromDisposeScope();
        _frequencies.Dispose();
        _frequencies = moved;
    }

    public void Dispose() => _frequencies.Dispose();
}
