using Farcluss.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Data;

public class SegmentationSplitTests
{
    static SegmentationSplitTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    static SegmentationSplit TwoSampleSplit(Normalization normalization) => new("tiny",
        // sample 0 = [[0, 255], [51, 102]], sample 1 = [[255, 0], [0, 0]]
        tensor(new byte[] { 0, 255, 51, 102, 255, 0, 0, 0 }, [2, 1, 2, 2], ScalarType.Byte),
        tensor(new byte[] { 0, 1, 255, 2, 1, 0, 0, 0 }, [2, 2, 2], ScalarType.Byte),
        ["background", "a", "b"], normalization);

    [Fact]
    public void BatchSelectsScalesAndNormalises()
    {
        using var split = TwoSampleSplit(new Normalization([0.2f], [0.5f]));
        var (images, masks) = split.Batch([1, 0]);
        using var _ = images; using var __ = masks;

        Assert.Equal(new long[] { 2, 1, 2, 2 }, images.shape);
        Assert.Equal(ScalarType.Float32, images.dtype);
        Assert.Equal(ScalarType.Int64, masks.dtype);
        // Sample 1 comes first: 255 → (1 − 0.2) / 0.5 = 1.6, 0 → (0 − 0.2) / 0.5 = −0.4.
        // Then sample 0: 51/255 = 0.2 → 0; 102/255 = 0.4 → 0.4.
        Assert.Equal(new[] { 1.6f, -0.4f, -0.4f, -0.4f, -0.4f, 1.6f, 0f, 0.4f }, images.data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(new long[] { 1, 0, 0, 0, 0, 1, 255, 2 }, masks.data<long>().ToArray());

        var (raw, rawMasks) = split.Batch([0], normalize: false);
        using var ___ = raw; using var ____ = rawMasks;
        Assert.Equal(new[] { 0f, 1f, 0.2f, 0.4f }, raw.data<float>().ToArray(), new FloatTolerance(1e-6f));

        Assert.Throws<ArgumentOutOfRangeException>(() => split.Batch([2]));
    }

    [Fact]
    public void SliceSharesTheSamples()
    {
        using var split = TwoSampleSplit(Normalization.Identity(1));
        using var second = split.Slice("second", 1, 1);
        Assert.Equal(1, second.Count);
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, second.Masks.data<byte>().ToArray());
    }

    [Fact]
    public void NormalizationMeasureAndApplyByHand()
    {
        // Pixels {0, 255} → {0, 1}: mean 0.5, sample std sqrt((0.25 + 0.25) / 1) = 0.70711.
        using var images = tensor(new byte[] { 0, 255 }, [1, 1, 1, 2], ScalarType.Byte);
        var measured = Normalization.Measure(images);
        Assert.Equal(0.5f, measured.Mean[0], 5);
        Assert.Equal(0.70711f, measured.Std[0], 4);

        // ImageNet on a [3, 1, 1] image of 0.5: ((0.5 − 0.485)/0.229, (0.5 − 0.456)/0.224, (0.5 − 0.406)/0.225)
        // = (0.065502, 0.196429, 0.417778).
        using var half = full(new long[] { 3, 1, 1 }, 0.5f);
        using var normalised = Normalization.ImageNet.Apply(half);
        Assert.Equal(new[] { 0.065502f, 0.196429f, 0.417778f }, normalised.data<float>().ToArray(), new FloatTolerance(1e-5f));
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        using var images = zeros(2, 1, 4, 4, ScalarType.Byte);
        using var masks = zeros(2, 4, 5, ScalarType.Byte);
        Assert.Throws<ArgumentException>(() => new SegmentationSplit("bad", images, masks, ["a"], Normalization.Identity(1)));
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
