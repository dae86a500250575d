using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// Fuzzy pseudo-labels (METHOD.md §1): the teacher's K most likely classes per pixel, their
/// probabilities renormalised to sum to one, every other class zero. K = 1 is the hard one-hot
/// pseudo-label of a FixMatch-style mean teacher; K = C keeps the whole teacher distribution.
/// Taught in notebook 03 (fuzzy-labels).
/// </summary>
public static class FuzzyPseudoLabels
{
    /// <summary>
    /// q_i,c = p_i,c / Σ_{k∈S_K(i)} p_i,k for the K largest p_i,c, else 0.
    /// </summary>
    /// <param name="teacherProbs">[B, C, H, W] teacher softmax probabilities (computed without gradient).</param>
    /// <param name="k">How many classes each pixel keeps, 1 ≤ K ≤ C.</param>
    /// <returns>fuzzyTargets [B, C, H, W]: each pixel's row sums to one.</returns>
    public static Tensor Compute(Tensor teacherProbs, int k)
    {
        Shapes.RequireRank(teacherProbs, 4, nameof(teacherProbs), "[B, C, H, W]");
        int numClasses = (int)teacherProbs.shape[1];
        if (!Farcluss.Config.SettingRules.IsTopK(k, numClasses))
            throw new KitException($"fuzzy pseudo-labels: K must be between 1 and the number of classes ({numClasses}), got {k}");

        using var scope = torch.NewDisposeScope();
        Tensor fuzzyTargets;
        if (k == numClasses)
        {
            // S_K is every class: the formula reduces to p / Σ_c p, which is p itself up to rounding;
            // renormalising keeps the rows summing to one and skips a sort over all C classes.
            fuzzyTargets = teacherProbs / teacherProbs.sum(1, keepdim: true);
        }
        else
        {
            var (topProbs, topClasses) = teacherProbs.topk(k, dim: 1);
            var renormalised = topProbs / topProbs.sum(1, keepdim: true);
            fuzzyTargets = torch.zeros_like(teacherProbs).scatter_(1, topClasses, renormalised);
        }
        return fuzzyTargets.MoveToOuterDisposeScope();
    }
}
