namespace Farcluss.Config;

/// <summary>
/// The ablation ladder and leave-one-out rows of METHOD.md, each a <see cref="MethodSettings"/>
/// value of the same trainer. Taught in notebook 07.
/// </summary>
public static class Variants
{
    /// <summary>FARCLUSS with METHOD.md's defaults.</summary>
    public static readonly MethodSettings Farcluss = new();

    /// <summary>1. Supervised only.</summary>
    public static readonly MethodSettings Supervised = Farcluss with { UseUnlabeled = false, Contrast = ContrastKind.None };

    /// <summary>2. Mean teacher with hard pseudo-labels (FixMatch-style): K = 1, threshold 0.95, r = 1, λ_c = 0.</summary>
    public static readonly MethodSettings Hard = Farcluss with
    {
        TopK = 1, Weighting = PixelWeighting.Threshold, UseRebalancing = false, Contrast = ContrastKind.None,
    };

    /// <summary>3. + fuzzy top-K (K = 3, w = 1, r = 1).</summary>
    public static readonly MethodSettings Fuzzy = Farcluss with
    {
        Weighting = PixelWeighting.None, UseRebalancing = false, Contrast = ContrastKind.None,
    };

    /// <summary>4. + uncertainty weight.</summary>
    public static readonly MethodSettings Weight = Farcluss with { UseRebalancing = false, Contrast = ContrastKind.None };

    /// <summary>5. + class rebalancing.</summary>
    public static readonly MethodSettings Rebalance = Farcluss with { Contrast = ContrastKind.None };

    /// <summary>The ladder in order, then the leave-one-out rows, then the ReCo cost comparison.</summary>
    public static readonly IReadOnlyList<(string Name, MethodSettings Settings)> All = new (string, MethodSettings)[]
    {
        ("supervised", Supervised),
        ("hard", Hard),
        ("fuzzy", Fuzzy),
        ("weight", Weight),
        ("rebalance", Rebalance),
        ("farcluss", Farcluss),
        ("farcluss-no-fuzzy", Farcluss with { TopK = 1 }),
        ("farcluss-no-weight", Farcluss with { Weighting = PixelWeighting.None }),
        ("farcluss-no-rebalance", Farcluss with { UseRebalancing = false }),
        ("farcluss-no-contrast", Rebalance),
        ("farcluss-reco", Farcluss with { Contrast = ContrastKind.ReCo }),
    };

    /// <summary>The ladder rows 1–6 plus the leave-one-out rows (what `ablate` runs by default).</summary>
    public static IEnumerable<string> AblationNames =>
        All.Select(v => v.Name).Where(n => n != "farcluss-reco" && n != "farcluss-no-contrast");

    public static MethodSettings Get(string name) =>
        All.FirstOrDefault(v => v.Name == name).Settings
        ?? throw new KitException($"unknown variant '{name}'; known: {string.Join(", ", All.Select(v => v.Name))}");
}
