using Farcluss.Data;
using Farcluss.Losses;
using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Charts;

/// <summary>
/// A class-balanced sample of a model's decoder features (or of their projection z, when a
/// projection head is given) over the first canvases of a split, with each pixel's true label
/// resized to feature resolution by <see cref="LabelResize"/>, as the trainer's confident set is. Lesson 06 projects
/// them to 2-D with <see cref="Pca"/>. The selection reuses the trainer's <see cref="BalancedAnchors"/>.
/// </summary>
public static class FeatureSample
{
    /// <returns>Features [M, F or D] on the CPU and labels [M] (int64), M ≤ <paramref name="maxPoints"/>.</returns>
    public static (Tensor Features, Tensor Labels) Collect(SegmentationModel model, ProjectionHead? head, SegmentationSplit split,
        int canvases, int maxPoints, long seed, Device? device = null)
    {
        device ??= CPU;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool wasTraining = model.training;
        model.eval();
        head?.eval();
        var indices = Enumerable.Range(0, Math.Min(canvases, split.Count)).Select(i => (long)i).ToArray();
        var (images, masks) = split.Batch(indices, device);
        var features = model.call(images).Features;
        if (head is not null) features = head.call(features);
        long h = features.shape[2], w = features.shape[3];
        var labels = LabelResize.Nearest(masks, h, w).flatten();
        var flat = features.permute(0, 2, 3, 1).reshape(-1, features.shape[1]);
        var keep = labels.ne(Labels.Ignore).nonzero().squeeze(1);
        var keptLabels = labels.index_select(0, keep);
        using var generator = new Generator((ulong)seed);
        var chosen = BalancedAnchors.Sample(keptLabels, split.NumClasses, maxPoints, generator);
        var sampleFeatures = flat.index_select(0, keep.index_select(0, chosen)).cpu();
        var sampleLabels = keptLabels.index_select(0, chosen).cpu();
        if (wasTraining) { model.train(); head?.train(); }
        return (sampleFeatures.MoveToOuterDisposeScope(), sampleLabels.MoveToOuterDisposeScope());
    }
}
