using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Losses;

/// <summary>
/// The prototype contrastive loss (METHOD.md §4):
/// L_con = mean_a −log( exp(z_a·μ_{y_a}/τ) / Σ_{c with a prototype} exp(z_a·μ_c/τ) ),
/// against the detached <see cref="PrototypeMemory"/> (the trainer updates it with the batch first). Cost
/// O(N_a · C · D): no pixel-to-pixel term, no bank of pixels. Taught in notebook 06
/// (prototype-contrast); its cost against <see cref="ReCoContrast"/> in notebook 08.
/// </summary>
public static class PrototypeContrast
{
    /// <summary>
    /// The term for one step, after the trainer folded the confident set into the memory (METHOD.md's order):
    /// N_a class-balanced anchors are drawn (<see cref="BalancedAnchors"/>) and scored against the detached
    /// memory (<see cref="Loss"/>).
    /// </summary>
    /// <param name="confident">The step's confident set (<see cref="ConfidentSet.Select"/> with τ_p).</param>
    /// <param name="memory">The prototypes, already updated with this batch.</param>
    /// <param name="maxAnchors">N_a.</param>
    /// <param name="temperature">τ.</param>
    /// <param name="g">Source of randomness (the anchors).</param>
    public static Tensor AnchorLoss(ConfidentSet confident, PrototypeMemory memory, int maxAnchors, double temperature, Generator g)
    {
        var anchors = BalancedAnchors.Sample(confident.Labels, memory.NumClasses, maxAnchors, g);
        return Loss(confident.Embeddings.index_select(0, anchors), confident.Labels.index_select(0, anchors), memory, temperature);
    }

    /// <summary>
    /// The loss over the anchors. Anchors whose class has no prototype yet (or whose label is
    /// outside [0, C)) are skipped, and the mean is over the anchors kept; with none kept the
    /// result is a zero that still belongs to the graph of <paramref name="anchorEmbeddings"/>.
    /// </summary>
    /// <param name="anchorEmbeddings">[M, D] L2-normalised anchor embeddings z (with gradient).</param>
    /// <param name="anchorLabels">[M] their labels (int64).</param>
    /// <param name="memory">The prototypes (detached here).</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>A scalar loss.</returns>
    public static Tensor Loss(Tensor anchorEmbeddings, Tensor anchorLabels, PrototypeMemory memory,
        double temperature)
    {
        Shapes.RequireRank(anchorEmbeddings, 2, nameof(anchorEmbeddings), "[M, D]");
        Shapes.RequireRank(anchorLabels, 1, nameof(anchorLabels), "[M]");
        if (anchorEmbeddings.shape[0] != anchorLabels.shape[0])
            throw new ArgumentException($"anchorEmbeddings has {anchorEmbeddings.shape[0]} rows, anchorLabels {anchorLabels.shape[0]}", nameof(anchorLabels));
        if (anchorEmbeddings.shape[1] != memory.Dim)
            throw new ArgumentException($"anchorEmbeddings has {anchorEmbeddings.shape[1]} channels, the memory {memory.Dim}", nameof(anchorEmbeddings));
        if (!(temperature > 0)) throw new KitException($"prototype contrast: temperature must be > 0, got {temperature}");

        using var scope = torch.NewDisposeScope();
        var device = anchorEmbeddings.device;
        int numClasses = memory.NumClasses;
        var prototypes = memory.Prototypes.detach().to(anchorEmbeddings.dtype, device);
        var hasPrototype = memory.Initialised.to(device);
        var logits = anchorEmbeddings.matmul(prototypes.t()) / temperature; // [M, C]
        // Classes without a prototype leave the denominator. The lowest finite value, not −∞,
        // keeps the softmax finite (and its gradient NaN-free) even before any class is seen.
        double lowest = torch.finfo(logits.dtype).min;
        logits = logits.masked_fill(hasPrototype.logical_not().unsqueeze(0), lowest);
        var logProbs = F.log_softmax(logits, 1);

        var labels = anchorLabels.to(ScalarType.Int64, device);
        var inRange = labels.ge(0).logical_and(labels.lt(numClasses));
        var safeLabels = labels.clamp(0, numClasses - 1);
        var counted = inRange.logical_and(hasPrototype.index_select(0, safeLabels));
        var negLogLikelihood = -logProbs.gather(1, safeLabels.unsqueeze(1)).squeeze(1);
        var kept = negLogLikelihood.masked_fill(counted.logical_not(), 0.0);
        var keptCount = counted.sum().clamp_min(1).to(kept.dtype);
        return (kept.sum() / keptCount).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// μ_c·μ_k for every pair of classes, [C, C] float32 on the memory's device, for charts;
    /// pairs involving a class without a prototype are NaN (a chart shows them blank).
    /// </summary>
    public static Tensor SimilarityMatrix(PrototypeMemory memory)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var prototypes = memory.Prototypes;
        var similarity = prototypes.matmul(prototypes.t());
        var bothSeen = memory.Initialised.unsqueeze(1).logical_and(memory.Initialised.unsqueeze(0));
        return similarity.masked_fill(bothSeen.logical_not(), double.NaN).MoveToOuterDisposeScope();
    }
}
