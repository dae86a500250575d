using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Losses;

/// <summary>
/// The unsupervised loss (METHOD.md, "Unsupervised loss"), the whole formula in one call:
/// L_u = Σ_i w_i ρ_i · CE(q_i, s_i) / N_valid, CE(q, s) = −Σ_c q_c s_c, s = log-softmax of the
/// student's logits on the strong view. Dividing by the number of valid pixels, not by Σ w, is
/// what lets an uncertain pixel lower its share of the loss [kit]. With K = 1, w = 1, ρ = 1 it
/// is plain cross-entropy against the teacher's argmax. Taught in notebook 02, refined in 03–05, whole in 07.
/// </summary>
public static class UnsupervisedLoss
{
    /// <summary>Σ_i w_i ρ_i · CE(q_i, log_softmax(s)_i) / max(N_valid, 1); invalid pixels contribute 0.</summary>
    /// <param name="studentLogits">[B, C, H, W] student logits on the strong view (with gradient).</param>
    /// <param name="fuzzyTargets">[B, C, H, W] targets q (§1; treated as constants).</param>
    /// <param name="uncertaintyWeights">[B, H, W] uncertainty weights w (§2; treated as constants).</param>
    /// <param name="pixelClassWeights">[B, H, W] pixel class weights ρ (§3; constants), or null for ρ = 1 (no rebalancing).</param>
    /// <param name="validMask">[B, H, W] bool: pixels that count (not padded, not ignore).</param>
    /// <returns>A scalar loss.</returns>
    public static Tensor Compute(Tensor studentLogits, Tensor fuzzyTargets, Tensor uncertaintyWeights, Tensor? pixelClassWeights, Tensor validMask)
    {
        Shapes.RequireRank(studentLogits, 4, nameof(studentLogits), "[B, C, H, W]");
        Shapes.RequireSameShape(studentLogits, fuzzyTargets, nameof(studentLogits), nameof(fuzzyTargets));
        Shapes.RequirePixelMap(uncertaintyWeights, studentLogits, nameof(uncertaintyWeights), nameof(studentLogits));
        if (pixelClassWeights is not null) Shapes.RequirePixelMap(pixelClassWeights, studentLogits, nameof(pixelClassWeights), nameof(studentLogits));
        Shapes.RequirePixelMap(validMask, studentLogits, nameof(validMask), nameof(studentLogits));
        Shapes.RequireBool(validMask, nameof(validMask));

        using var scope = torch.NewDisposeScope();
        var invalid = validMask.logical_not();
        var lossWeights = pixelClassWeights is null ? uncertaintyWeights : uncertaintyWeights * pixelClassWeights; // w·ρ
        // Targets and weights are constants of the step; zeroing them at invalid pixels (rather
        // than masking the product) keeps a NaN there from leaking into the gradient as 0·NaN.
        var targets = fuzzyTargets.detach().masked_fill(invalid.unsqueeze(1), 0.0);
        var weights = lossWeights.detach().masked_fill(invalid, 0.0);
        var logProbs = F.log_softmax(studentLogits, 1);
        var crossEntropy = -(targets * logProbs).sum(1); // [B, H, W]
        var validCount = validMask.sum().clamp_min(1).to(crossEntropy.dtype);
        return ((weights * crossEntropy).sum() / validCount).MoveToOuterDisposeScope();
    }

    /// <summary>L_u with ρ = 1 (no class rebalancing): each pixel weighed by <paramref name="pixelWeights"/> alone.</summary>
    public static Tensor Compute(Tensor studentLogits, Tensor fuzzyTargets, Tensor pixelWeights, Tensor validMask) =>
        Compute(studentLogits, fuzzyTargets, pixelWeights, null, validMask);
}
