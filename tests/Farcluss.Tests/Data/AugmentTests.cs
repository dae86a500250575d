using Farcluss.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Data;

public class AugmentTests
{
    static AugmentTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    /// <summary>[B, 1, 32, 32] images of 8×8 blocks, on (1) or off (0) by a per-sample pattern, and masks = 1 + (image &gt; 0.5)
    /// (classes 1 and 2, so a 0 could only come from a bug). Blocks make any misalignment show up at their edges.</summary>
    static (Tensor Images, Tensor Masks) Blocks(int batch)
    {
        var blockY = arange(32).div(8, rounding_mode: RoundingMode.floor).view(1, 32, 1);
        var blockX = arange(32).div(8, rounding_mode: RoundingMode.floor).view(1, 1, 32);
        var sample = arange(batch).view(batch, 1, 1);
        var on = blockY.mul(3).add(blockX.mul(5)).add(sample).remainder(3).eq(0);
        return (on.to_type(ScalarType.Float32).unsqueeze(1), on.to_type(ScalarType.Int64).add(1));
    }

    [Fact]
    public void IdentitySettingsGiveIdentityOutput()
    {
        var (images, masks) = Blocks(4);
        var noise = rand([4, 1, 32, 32], generator: new Generator(5));
        images = images.mul(0.5).add(noise.mul(0.5)); // not just 0/1, so bilinear weights would show
        var (weakImages, weakMasks) = Augment.WeakView(images, masks, AugmentSettings.None, new Generator(1));
        Assert.True(weakImages.allclose(images, rtol: 0, atol: 1e-5));
        Assert.True(weakMasks.eq(masks).all().item<bool>());
        var strong = Augment.StrongPhotometric(images, AugmentSettings.None, new Generator(1));
        Assert.True(strong.allclose(images, rtol: 0, atol: 0));
        using var boxes = CutMixBoxes.Sample(4, 32, 32, new Generator(1), probability: 0);
        Assert.True(boxes.Apply(images).eq(images).all().item<bool>());
    }

    [Fact]
    public void WarpByTwoPixelsByHand()
    {
        // An 8-pixel-wide canvas spans 2 normalised units, so one pixel is 0.25 and a shift of 0.5 is two pixels:
        // output column i samples input column i + 2; columns 6 and 7 come from outside → image 0, mask 255.
        var image = arange(8, ScalarType.Float32).view(1, 1, 1, 8).expand(1, 1, 2, 8).contiguous();
        var mask = arange(8, ScalarType.Int64).view(1, 1, 8).expand(1, 2, 8).contiguous();
        var theta = tensor(new float[] { 1, 0, 0.5f, 0, 1, 0 }).view(1, 2, 3);
        var (warpedImage, warpedMask) = Augment.Warp(image, mask, theta);
        Assert.Equal(new float[] { 2, 3, 4, 5, 6, 7, 0, 0 }, warpedImage[0, 0, 0].data<float>().ToArray().Select(v => MathF.Round(v, 4)).ToArray());
        Assert.Equal(new long[] { 2, 3, 4, 5, 6, 7, 255, 255 }, warpedMask[0, 0].data<long>().ToArray());

        // A half-pixel shift (0.125): every image pixel blends two sources (2.5, 3.5, …), the mask takes the nearest
        // source (column i + 0.5, rounded half to even: 0.5 → 0, 1.5 → 2, 2.5 → 2, …), and the last column, whose
        // image pixel blends with the outside, is 255.
        var (halfImage, halfMask) = Augment.Warp(image, mask, tensor(new float[] { 1, 0, 0.125f, 0, 1, 0 }).view(1, 2, 3));
        Assert.Equal(0.5f, halfImage[0, 0, 0, 0].item<float>(), 4);
        Assert.Equal(3.5f, halfImage[0, 0, 0, 3].item<float>(), 4);
        Assert.Equal(new long[] { 0, 2, 2, 4, 4, 6, 6, 255 }, halfMask[0, 0].data<long>().ToArray());
    }

    [Fact]
    public void WeakViewKeepsImageAndMaskAligned()
    {
        var (images, masks) = Blocks(16);
        var settings = AugmentSettings.Digits with { ScaleMin = 0.6, ScaleMax = 1.6, FlipHorizontal = true };
        var (weakImages, weakMasks) = Augment.WeakView(images, masks, settings, new Generator(3));

        var valid = weakMasks.ne(255);
        var imageSays = weakImages.squeeze(1).gt(0.5f).to_type(ScalarType.Int64).add(1);
        long agree = imageSays.eq(weakMasks).logical_and(valid).sum().item<long>();
        long validCount = valid.sum().item<long>();
        // Bilinear and nearest can disagree only where a pixel straddles a block edge: a few percent. A one-pixel
        // misalignment would break ~1/8 of the pixels of every 8-pixel block.
        Assert.True(agree >= 0.97 * validCount, $"{agree} of {validCount} valid pixels agree");
        Assert.True(weakMasks.eq(0).sum().item<long>() == 0); // labels are 1, 2 or 255: nothing invented
        // Some samples were zoomed out (s < 1), so padding was brought in and marked 255.
        Assert.True(weakMasks.eq(255).sum().item<long>() > 0);
        // Where the mask is 255 because of padding, the image is dark (zero padding, maybe blended at the rim).
        Assert.True(weakImages.squeeze(1).masked_select(weakMasks.eq(255)).le(1.0f).all().item<bool>());

        // Same generator seed, same views.
        var (again, againMasks) = Augment.WeakView(images, masks, settings, new Generator(3));
        Assert.True(again.eq(weakImages).all().item<bool>() && againMasks.eq(weakMasks).all().item<bool>());
    }

    [Fact]
    public void FlipMirrorsImageAndMaskTogether()
    {
        // Scale fixed at 1 → no shift; flip on → each sample is either unchanged or exactly mirrored, the same way for both.
        var (images, masks) = Blocks(8);
        var settings = AugmentSettings.None with { FlipHorizontal = true };
        var (flippedImages, flippedMasks) = Augment.WeakView(images, masks, settings, new Generator(11));
        int mirrored = 0;
        for (int b = 0; b < 8; b++)
        {
            bool same = flippedMasks[b].eq(masks[b]).all().item<bool>();
            bool flipped = flippedMasks[b].eq(masks[b].flip(-1)).all().item<bool>();
            Assert.True(same || flipped);
            var expectedImage = flipped ? images[b].flip(-1) : images[b];
            Assert.True(flippedImages[b].allclose(expectedImage, rtol: 0, atol: 1e-5));
            if (flipped && !same) mirrored++;
        }
        Assert.InRange(mirrored, 1, 7);
    }

    [Fact]
    public void StrongPhotometricByHand()
    {
        // Brightness only, always on: each sample is scaled by one factor in [0.5, 1.5].
        var settings = AugmentSettings.None with { JitterProbability = 1, Brightness = 0.5, Contrast = 0, Saturation = 0 };
        var images = full(new long[] { 4, 1, 4, 4 }, 0.5f);
        var bright = Augment.StrongPhotometric(images, settings, new Generator(2));
        for (int b = 0; b < 4; b++)
        {
            var values = bright[b].flatten();
            Assert.True(values.eq(values[0]).all().item<bool>());
            Assert.InRange(values[0].item<float>(), 0.25f, 0.75f);
        }

        // Grey always on: three equal channels of 0.299·R + 0.587·G + 0.114·B = 0.299·1 + 0.587·0.5 + 0 = 0.5925.
        var rgb = stack([ones(2, 2), full(new long[] { 2, 2 }, 0.5f), zeros(2, 2)]).unsqueeze(0);
        var grey = Augment.StrongPhotometric(rgb, AugmentSettings.None with { GrayscaleProbability = 1 }, new Generator(0));
        Assert.True(grey.allclose(full(new long[] { 1, 3, 2, 2 }, 0.5925f), rtol: 0, atol: 1e-6));

        // Blur always on with sigma exactly 1 (size scale 1, min = max): radius ceil(3·1) = 3. A single 1 at the
        // centre of a 15×15 image becomes the product of two normalised 1-D Gaussians; the centre weight is
        // (1 / Σ_{k=−3..3} e^{−k²/2})² = (1 / (1 + 2(0.606531 + 0.135335 + 0.011109)))² = (1 / 2.505950)² = 0.159241.
        var dot = zeros(1, 1, 15, 15);
        dot[0, 0, 7, 7] = tensor(1f);
        var blurSettings = AugmentSettings.None with { BlurProbability = 1, BlurSigmaMin = 1, BlurSigmaMax = 1, BlurReferenceSize = 15 };
        var blurred = Augment.StrongPhotometric(dot, blurSettings, new Generator(0));
        Assert.Equal(0.159241f, blurred[0, 0, 7, 7].item<float>(), 5);
        Assert.Equal(1f, blurred.sum().item<float>(), 5); // a normalised kernel keeps the total
        // Neighbour (7, 8): (e^{−1/2} / 2.505950) · (1 / 2.505950) = 0.096585.
        Assert.Equal(0.096585f, blurred[0, 0, 7, 8].item<float>(), 5);

        // Full strength on random images stays in [0, 1].
        var randomImages = rand([8, 3, 16, 16], generator: new Generator(9));
        var strong = Augment.StrongPhotometric(randomImages, AugmentSettings.Voc, new Generator(4));
        Assert.True(strong.ge(0).all().item<bool>() && strong.le(1).all().item<bool>());
    }

    [Fact]
    public void CutMixKeepsImageMaskCorrespondence()
    {
        // Each image equals its mask (as float): after mixing both with the same boxes they must still be equal.
        var masks = randint(0, 11, [6, 20, 24], generator: new Generator(1));
        masks[masks.lt(1)] = tensor(255L); // some ignore labels must travel too
        var images = masks.to_type(ScalarType.Float32).unsqueeze(1).expand(6, 3, 20, 24).contiguous();
        using var boxes = CutMixBoxes.Sample(6, 20, 24, new Generator(2), probability: 1);

        var mixedImages = boxes.Apply(images);
        var mixedMasks = boxes.Apply(masks);
        Assert.Equal(ScalarType.Int64, mixedMasks.dtype);
        Assert.True(mixedImages[.., 2].to_type(ScalarType.Int64).eq(mixedMasks).all().item<bool>());

        // The float form of the rule: x·(1 − M) + x[perm]·M.
        var expected = images.mul(boxes.BoxMask.neg().add(1)).add(images.index_select(0, boxes.Partner).mul(boxes.BoxMask));
        Assert.True(mixedImages.eq(expected).all().item<bool>());

        // Partners: a permutation with no fixed point.
        var partner = boxes.Partner.data<long>().ToArray();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), partner.Order());
        Assert.All(Enumerable.Range(0, 6), i => Assert.NotEqual(i, partner[i]));

        // With probability 1 every sample has a box, of area ≤ 0.4·H·W (sides are floored, so ≤).
        var areas = boxes.BoxMask.sum([1L, 2L, 3L]).data<float>().ToArray();
        Assert.All(areas, a => Assert.InRange(a, 1, 0.4 * 20 * 24));
    }

    [Fact]
    public void CutMixBoxAreasAndProbabilityFollowTheSettings()
    {
        // 2000 draws at p = 0.5: about half get a box (binomial sd = 22, so ±120 is > 5 sd).
        using var boxes = CutMixBoxes.Sample(2000, 64, 64, new Generator(8), probability: 0.5);
        var areas = boxes.BoxMask.sum([1L, 2L, 3L]);
        long withBox = areas.gt(0).sum().item<long>();
        Assert.InRange(withBox, 880, 1120);
        // Area share U[0.02, 0.4] has mean 0.21; flooring each side and clamping lower it a little.
        var meanShare = areas.masked_select(areas.gt(0)).mean().item<float>() / (64 * 64);
        Assert.InRange(meanShare, 0.15f, 0.22f);
        Assert.True(areas.le(0.4 * 64 * 64).all().item<bool>());
    }

    [Fact]
    public void FunctionsLeaveOnlyTheirResultsInTheCallersScope()
    {
        // Temporaries must die inside each function's own dispose scope; only results reach the caller's.
        using var scope = NewDisposeScope();
        var (images, masks) = Blocks(4);
        var rgb = rand([4, 3, 32, 32], generator: new Generator(0));
        int before = scope.DisposablesCount;
        var generator = new Generator(1);

        Augment.WeakView(images, masks, AugmentSettings.Digits, generator);
        Assert.Equal(before + 2, scope.DisposablesCount);
        Augment.StrongPhotometric(rgb, AugmentSettings.Voc with { JitterProbability = 1, BlurProbability = 1, GrayscaleProbability = 0.5 }, generator);
        Assert.Equal(before + 3, scope.DisposablesCount);
        var boxes = CutMixBoxes.Sample(4, 32, 32, generator, probability: 1);
        Assert.Equal(before + 5, scope.DisposablesCount);
        boxes.Apply(masks);
        Assert.Equal(before + 6, scope.DisposablesCount);
    }
}
