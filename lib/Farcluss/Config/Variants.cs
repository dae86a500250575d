namespace Farcluss.Config;

/// <summary>
/// The ablation ladder and leave-one-out rows of METHOD.md. Each variant is a change laid over a
/// base <see cref="MethodSettings"/> (the config's own method section: FARCLUSS with whatever [kit]
/// settings the config chose, such as γ, the EMA rate or a warm-up), so an ablation switches parts
/// off and keeps everything else equal. Never a copied trainer. Taught in notebook 07.
/// </summary>
public static class Variants
{
    /// <summary>Every variant, by name: the ladder in order, then the leave-one-out rows, then the ReCo cost comparison.</summary>
    public static readonly IReadOnlyList<(string Name, Func<MethodSettings, MethodSettings> Apply)> All =
        new (string, Func<MethodSettings, MethodSettings>)[]
        {
            // 1. Supervised only: L_s.
            ("supervised", m => m with { UseUnlabeled = false, Contrast = ContrastKind.None }),
            // 2. Mean teacher with hard pseudo-labels (FixMatch-style): K = 1, w = 1[max p ≥ 0.95], r = 1, λ_c = 0.
            ("hard", m => m with { TopK = 1, Weighting = PixelWeighting.Threshold, UseRebalancing = false, Contrast = ContrastKind.None }),
            // 3. + fuzzy top-K (w = 1, r = 1).
            ("fuzzy", m => m with { Weighting = PixelWeighting.None, UseRebalancing = false, Contrast = ContrastKind.None }),
            // 4. + uncertainty weight.
            ("weight", m => m with { UseRebalancing = false, Contrast = ContrastKind.None }),
            // 5. + class rebalancing (= FARCLUSS without the contrastive term).
            ("rebalance", m => m with { Contrast = ContrastKind.None }),
            // 6. + prototype contrast = FARCLUSS: the base settings themselves.
            ("farcluss", m => m),
            ("farcluss-no-fuzzy", m => m with { TopK = 1 }),
            ("farcluss-no-weight", m => m with { Weighting = PixelWeighting.None }),
            ("farcluss-no-rebalance", m => m with { UseRebalancing = false }),
            ("farcluss-reco", m => m with { Contrast = ContrastKind.ReCo }),
        };

    /// <summary>The ladder rows 1–6 plus the leave-one-out rows (what `ablate` runs by default).
    /// FARCLUSS without the contrastive term is row 5.</summary>
    public static IEnumerable<string> AblationNames => All.Select(v => v.Name).Where(n => n != "farcluss-reco");

    /// <summary>The variant <paramref name="name"/> laid over <paramref name="basis"/> (default: METHOD.md's FARCLUSS).</summary>
    public static MethodSettings Get(string name, MethodSettings? basis = null)
    {
        var variant = All.FirstOrDefault(v => v.Name == name);
        if (variant.Apply is null)
            throw new KitException($"unknown variant {Echo.Quote(name)}; known: {string.Join(", ", All.Select(v => v.Name))}");
        return variant.Apply(basis ?? new MethodSettings());
    }

    public static MethodSettings Farcluss => Get("farcluss");
    public static MethodSettings Supervised => Get("supervised");
    public static MethodSettings Hard => Get("hard");
    public static MethodSettings Fuzzy => Get("fuzzy");
    public static MethodSettings Weight => Get("weight");
    public static MethodSettings Rebalance => Get("rebalance");
}
