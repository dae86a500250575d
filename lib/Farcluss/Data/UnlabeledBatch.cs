using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// One step's unlabeled batch, as METHOD.md's views describe it: the weak view A_w(x_u) the teacher
/// sees, the strong view A_s(x_u) the student sees (photometric jitter, then CutMix between the
/// batch's images), which pixels count, and the hidden labels (diagnostics only). CutMix is applied to
/// the strong images, the validity and the hidden labels alike, and <see cref="Mix"/> applies the same
/// boxes to the teacher's maps, so every target stays aligned with what the student sees.
/// Validity comes from the split's own padding (<see cref="SegmentationSplit.ContentMask"/>) and the
/// weak view's, never from the hidden labels: a padded pixel counts nowhere, a pixel whose hidden label
/// is 255 counts like any other (its label is unknown to the method). Taught in notebook 02.
/// </summary>
public sealed class UnlabeledBatch
{
    /// <summary>A_w(x_u): float [B, C, H, W] in [0, 1] (normalise before the model).</summary>
    public required Tensor Weak { get; init; }
    /// <summary>A_s(x_u), CutMix included: float [B, C, H, W] in [0, 1].</summary>
    public required Tensor Strong { get; init; }
    /// <summary>bool [B, H, W], aligned with <see cref="Strong"/>: pixels that count (not padded by the data or the weak view).</summary>
    public required Tensor Valid { get; init; }
    /// <summary>int64 [B, H, W], aligned with <see cref="Strong"/>: the hidden labels (255 where unknown or padded). Diagnostics only.</summary>
    public required Tensor Hidden { get; init; }
    /// <summary>The CutMix boxes of the strong view; null without CutMix.</summary>
    public CutMixBoxes? Boxes { get; init; }

    /// <summary>
    /// Draws the batch at <paramref name="indices"/> and its views on <paramref name="device"/>. Randomness, in
    /// this order: the weak view, the photometric jitter, the CutMix boxes (all from <paramref name="generator"/>).
    /// </summary>
    public static UnlabeledBatch Draw(SegmentationSplit split, long[] indices, AugmentSettings augment, bool cutMix,
        Generator generator, Device device)
    {
        var (images, hiddenLabels) = split.Batch(indices, device, normalize: false);
        // Padding as a label map of its own (255 = padded), warped with the same draw as the images.
        var padding = split.ContentMask(indices, device).logical_not().to_type(ScalarType.Int64).mul_(Labels.Ignore);
        var (weak, warped) = Augment.WeakView(images, [hiddenLabels, padding], augment, generator);
        var (hidden, valid) = (warped[0], warped[1].ne(Labels.Ignore));
        var strong = Augment.StrongPhotometric(weak, augment, generator);
        if (!cutMix) return new UnlabeledBatch { Weak = weak, Strong = strong, Valid = valid, Hidden = hidden };

        var boxes = CutMixBoxes.Sample((int)strong.shape[0], (int)strong.shape[2], (int)strong.shape[3], generator, augment, device);
        return new UnlabeledBatch
        {
            Weak = weak, Strong = boxes.Apply(strong), Valid = boxes.Apply(valid), Hidden = boxes.Apply(hidden), Boxes = boxes,
        };
    }

    /// <summary>A map of the weak view (the teacher's probabilities, or any map derived from them) aligned with the strong view.</summary>
    public Tensor Mix(Tensor weakViewMap) => Boxes is null ? weakViewMap : Boxes.Apply(weakViewMap);
}
