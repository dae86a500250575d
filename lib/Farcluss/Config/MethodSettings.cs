namespace Farcluss.Config;

/// <summary>How each unlabeled pixel's loss is weighted before class rebalancing (METHOD.md §2).</summary>
public enum PixelWeighting
{
    /// <summary>w = 1 for every valid pixel.</summary>
    None,
    /// <summary>w = (1 − H̃)^γ from the teacher's normalised entropy: FARCLUSS.</summary>
    Entropy,
    /// <summary>w = 1[max p ≥ threshold]: the FixMatch-style hard baseline.</summary>
    Threshold,
}

/// <summary>Which contrastive term regularises the projected decoder features (METHOD.md §4).</summary>
public enum ContrastKind
{
    None,
    /// <summary>Class prototypes in an EMA memory: FARCLUSS.</summary>
    Prototype,
    /// <summary>ReCo-style pairwise term: the cost comparison for the "lightweight" claim.</summary>
    ReCo,
}

/// <summary>
/// Every FARCLUSS part as a setting of the one trainer, with METHOD.md's defaults. An ablation is
/// <c>settings with { UseRebalancing = false }</c>, never a copied trainer. [kit] choices are marked.
/// Taught across notebooks 02–07.
/// </summary>
public sealed record MethodSettings
{
    /// <summary>False: supervised only (L_s); the teacher and every unlabeled term are skipped.</summary>
    public bool UseUnlabeled { get; init; } = true;

    /// <summary>K of the fuzzy top-K targets (§1). 1 = hard one-hot pseudo-labels, C = full distribution. [kit: 3]</summary>
    public int TopK { get; init; } = 3;

    /// <summary>Per-pixel weight of the unsupervised loss (§2).</summary>
    public PixelWeighting Weighting { get; init; } = PixelWeighting.Entropy;

    /// <summary>γ of w = (1 − H̃)^γ. [kit: 1]</summary>
    public double EntropyGamma { get; init; } = 1.0;

    /// <summary>Confidence threshold of <see cref="PixelWeighting.Threshold"/> (FixMatch's 0.95).</summary>
    public double ConfidenceThreshold { get; init; } = 0.95;

    /// <summary>Adaptive class rebalancing (§3).</summary>
    public bool UseRebalancing { get; init; } = true;

    /// <summary>m of the smoothed frequencies; 0 = the paper's pure batch-level form. [kit: 0.9]</summary>
    public double RebalanceMomentum { get; init; } = 0.9;

    /// <summary>β of r̃ = (f + ε)^(−β). [kit: 0.5]</summary>
    public double RebalanceBeta { get; init; } = 0.5;

    /// <summary>ε of r̃ = (f + ε)^(−β). [kit: 1e-6]</summary>
    public double RebalanceEpsilon { get; init; } = 1e-6;

    /// <summary>r_max, a guard against f → 0 before renormalising. [kit: 50]</summary>
    public double MaxClassWeight { get; init; } = 50;

    /// <summary>The contrastive term (§4).</summary>
    public ContrastKind Contrast { get; init; } = ContrastKind.Prototype;

    /// <summary>D of the projection head. [kit: 64]</summary>
    public int ProjectionDim { get; init; } = 64;

    /// <summary>τ_p: teacher confidence for an unlabeled pixel to join the confident set. [kit: 0.8]</summary>
    public double PrototypeConfidence { get; init; } = 0.8;

    /// <summary>m_p of the prototype memory. [kit: 0.99]</summary>
    public double PrototypeMomentum { get; init; } = 0.99;

    /// <summary>N_a, class-balanced anchors a step. [kit: 1024]</summary>
    public int Anchors { get; init; } = 1024;

    /// <summary>τ of the prototype loss. [kit: 0.1]</summary>
    public double ContrastTemperature { get; init; } = 0.1;

    /// <summary>λ_u. [kit: 1]</summary>
    public double UnsupervisedWeight { get; init; } = 1.0;

    /// <summary>λ_c. [kit: 0.1]</summary>
    public double ContrastWeight { get; init; } = 0.1;

    /// <summary>T_r as a fraction of the steps after warm-up: the sigmoid ramp-up of λ_u and λ_c. [kit: 0.1]</summary>
    public double RampFraction { get; init; } = 0.1;

    /// <summary>
    /// Fraction of the steps trained on labeled data only before the teacher's targets count
    /// (the teacher still follows the student by EMA). [kit: 0, METHOD.md has no warm-up]
    /// </summary>
    public double WarmupFraction { get; init; } = 0.0;

    /// <summary>α, the EMA decay cap: ξ ← α_t ξ + (1 − α_t) θ, α_t = min(1 − 1/(t+1), α). [kit: 0.99]</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>CutMix between the unlabeled images of the batch in the strong view. [kit: on, as UniMatch]</summary>
    public bool UseCutMix { get; init; } = true;

    /// <summary>Rejects impossible values with a message naming the setting by its config key (ranges: <see cref="SettingRules"/>).
    /// Part of <see cref="TrainingConfig.Validate"/>.</summary>
    public void Validate(int numClasses)
    {
        Require(SettingRules.IsTopK(TopK, numClasses), $"method.top_k must be in [1, {numClasses}] (the class count), got {TopK}");
        Require(EntropyGamma >= 0, $"method.entropy_gamma must be ≥ 0, got {EntropyGamma}");
        Require(ConfidenceThreshold is >= 0 and <= 1, $"method.confidence_threshold must be in [0, 1], got {ConfidenceThreshold}");
        Require(SettingRules.IsMomentum(RebalanceMomentum), $"method.rebalance_momentum must be in {SettingRules.MomentumRange}, got {RebalanceMomentum}");
        Require(RebalanceBeta >= 0, $"method.rebalance_beta must be ≥ 0, got {RebalanceBeta}");
        Require(RebalanceEpsilon > 0, $"method.rebalance_epsilon must be > 0, got {RebalanceEpsilon}");
        Require(MaxClassWeight >= SettingRules.MinMaxClassWeight, $"method.max_class_weight must be ≥ {SettingRules.MinMaxClassWeight}, got {MaxClassWeight}");
        Require(ProjectionDim is >= SettingRules.MinProjectionDim and <= SettingRules.MaxProjectionDim,
            $"method.projection_dim must be in [{SettingRules.MinProjectionDim}, {SettingRules.MaxProjectionDim}], got {ProjectionDim}");
        Require(PrototypeConfidence is >= 0 and <= 1, $"method.prototype_confidence must be in [0, 1], got {PrototypeConfidence}");
        Require(SettingRules.IsMomentum(PrototypeMomentum), $"method.prototype_momentum must be in {SettingRules.MomentumRange}, got {PrototypeMomentum}");
        Require(Anchors is >= 1 and <= SettingRules.MaxAnchors, $"method.anchors must be in [1, {SettingRules.MaxAnchors}], got {Anchors}");
        Require(ContrastTemperature > 0, $"method.contrast_temperature must be > 0, got {ContrastTemperature}");
        Require(UnsupervisedWeight >= 0, $"method.unsupervised_weight must be ≥ 0, got {UnsupervisedWeight}");
        Require(ContrastWeight >= 0, $"method.contrast_weight must be ≥ 0, got {ContrastWeight}");
        Require(RampFraction is >= 0 and <= 1, $"method.ramp_fraction must be in [0, 1], got {RampFraction}");
        Require(WarmupFraction is >= 0 and < 1, $"method.warmup_fraction must be in [0, 1), got {WarmupFraction}");
        Require(SettingRules.IsMomentum(EmaDecay), $"method.ema_decay must be in {SettingRules.MomentumRange}, got {EmaDecay}");
    }

    static void Require(bool ok, string message) => SettingRules.Require(ok, message);
}
