using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>Class balance of a split: what notebook 00 charts and what "rarest three" is computed from.</summary>
public static class SplitStatistics
{
    /// <summary>Pixels of each class in the split's masks (255 and out-of-range values not counted).</summary>
    public static long[] ClassPixelCounts(this SegmentationSplit split, int numClasses)
    {
        // One comparison per class on the masks as stored (bytes): a bincount would need an Int64 copy
        // of every pixel, ~0.6 GB transient for the workshop's unlabeled split.
        using var scope = NewDisposeScope();
        return Enumerable.Range(0, numClasses).Select(c => split.Masks.eq(c).sum().item<long>()).ToArray();
    }

    /// <summary>Images in which each class appears at least once.</summary>
    public static long[] ClassImageCounts(this SegmentationSplit split, int numClasses)
    {
        using var scope = NewDisposeScope();
        var masks = split.Masks.to_type(ScalarType.Int64).flatten(1);
        var oneHot = F.one_hot(masks.clamp_max(numClasses), numClasses + 1)[.., .., ..numClasses]; // 255 → dropped column
        return oneHot.amax(1).sum(dim: 0).data<long>().ToArray();
    }

    static class F
    {
        public static Tensor one_hot(Tensor t, int n) => torch.nn.functional.one_hot(t, n);
    }
}
