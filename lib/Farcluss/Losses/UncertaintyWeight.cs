using Farcluss.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// Per-pixel weights from the teacher's uncertainty (METHOD.md §2): w_i = (1 − H̃_i)^γ with
/// H̃_i the entropy of the full teacher distribution divided by log C. No pixel is dropped and
/// there is no threshold. Also the hard-label baseline's confidence mask 1[max p ≥ τ].
/// Taught in notebook 04 (uncertainty-weight); the threshold mask in notebook 02.
/// </summary>
public static class UncertaintyWeight
{
    /// <summary>
    /// w as the method settings choose it: (1 − H̃)^γ for FARCLUSS (<see cref="PixelWeighting.Entropy"/>),
    /// 1[max p ≥ τ] for the hard baseline (<see cref="PixelWeighting.Threshold"/>), or 1 everywhere.
    /// </summary>
    /// <param name="method">Weighting, γ and τ.</param>
    /// <param name="teacherProbs">[B, C, H, W] teacher probabilities.</param>
    /// <returns>uncertaintyWeights w [B, H, W].</returns>
    public static Tensor Of(MethodSettings method, Tensor teacherProbs) => method.Weighting switch
    {
        PixelWeighting.Entropy => Compute(teacherProbs, method.EntropyGamma),
        PixelWeighting.Threshold => ConfidenceThreshold(teacherProbs, method.ConfidenceThreshold),
        _ => torch.ones_like(teacherProbs.select(1, 0), ScalarType.Float32),
    };

    /// <summary>
    /// H̃_i = −Σ_c p_i,c log p_i,c / log C, in [0, 1]; 0 log 0 is taken as 0, so one-hot pixels are
    /// exactly 0 and uniform pixels exactly 1 (up to rounding, clamped).
    /// </summary>
    /// <param name="probs">[B, C, H, W] probabilities, C ≥ 2.</param>
    /// <returns>[B, H, W] normalised entropy.</returns>
    public static Tensor NormalizedEntropy(Tensor probs)
    {
        Shapes.RequireRank(probs, 4, nameof(probs), "[B, C, H, W]");
        long numClasses = probs.shape[1];
        if (numClasses < 2)
            throw new KitException($"normalised entropy needs at least 2 classes (it divides by log C), got {numClasses}");

        using var scope = torch.NewDisposeScope();
        // xlogy(p, p) is p·log p with the limit 0 at p = 0, where p·log p would be 0·(−∞) = NaN.
        var entropy = -probs.xlogy(probs).sum(1);
        return (entropy / Math.Log(numClasses)).clamp(0.0, 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>w_i = (1 − H̃_i)^γ, from the full teacher distribution.</summary>
    /// <param name="teacherProbs">[B, C, H, W] teacher probabilities.</param>
    /// <param name="gamma">γ ≥ 0; γ = 0 gives weight 1 everywhere.</param>
    /// <returns>uncertaintyWeights w [B, H, W] in [0, 1].</returns>
    public static Tensor Compute(Tensor teacherProbs, double gamma)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma))
            throw new KitException($"uncertainty weight: gamma must be a finite number ≥ 0, got {gamma}");
        using var scope = torch.NewDisposeScope();
        var certainty = 1.0 - NormalizedEntropy(teacherProbs);
        return certainty.pow(gamma).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The hard-label baseline's weight: 1 where the teacher's top probability reaches the
    /// threshold, else 0 (METHOD.md, ablation ladder row 2).
    /// </summary>
    /// <param name="teacherProbs">[B, C, H, W] teacher probabilities.</param>
    /// <param name="threshold">τ in [0, 1].</param>
    /// <returns>[B, H, W] float mask in the dtype of <paramref name="teacherProbs"/>.</returns>
    public static Tensor ConfidenceThreshold(Tensor teacherProbs, double threshold)
    {
        Shapes.RequireRank(teacherProbs, 4, nameof(teacherProbs), "[B, C, H, W]");
        if (!(threshold >= 0 && threshold <= 1))
            throw new KitException($"confidence threshold must be in [0, 1], got {threshold}");
        using var scope = torch.NewDisposeScope();
        var confidence = teacherProbs.amax(new long[] { 1 });
        return confidence.ge(threshold).to(teacherProbs.dtype).MoveToOuterDisposeScope();
    }
}
