using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Data;

/// <summary>
/// The weak and strong views of METHOD.md, batch-wise and on the tensor side (no per-pixel C#).
/// Images are float [B, C, H, W] with values in [0, 1] (normalise afterwards); masks are int64
/// [B, H, W]. All randomness comes from the <see cref="Generator"/> passed in (a CPU generator),
/// and each call draws a fixed number of values whatever the settings, so step t's views are a
/// pure function of the generator's state. CutMix is in <see cref="CutMixBoxes"/>. Taught in notebook 02.
/// </summary>
public static class Augment
{
    /// <summary>
    /// Weak view: per sample, a zoom factor s ~ U[ScaleMin, ScaleMax], a position (uniform over the
    /// placements where a zoomed-in window stays inside the image, or a zoomed-out image stays inside the
    /// canvas, as UniMatch's resize-then-crop does) and, if enabled, a left–right flip with probability
    /// 1/2. All three form one affine map per sample, applied by <see cref="Warp(Tensor, Tensor, Tensor)"/> to image and mask
    /// alike. The output keeps H × W; pixels brought in from outside the image are labeled 255.
    /// </summary>
    public static (Tensor Images, Tensor Masks) WeakView(Tensor images, Tensor masks, AugmentSettings settings, Generator? generator)
    {
        var (warpedImages, warpedMasks) = WeakView(images, [masks], settings, generator);
        return (warpedImages, warpedMasks[0]);
    }

    /// <summary>The weak view of images and of several label maps of them, all warped alike (one draw).</summary>
    public static (Tensor Images, Tensor[] Masks) WeakView(Tensor images, Tensor[] masks, AugmentSettings settings, Generator? generator)
    {
        using var scope = NewDisposeScope();
        long batch = images.shape[0];
        var draws = rand([4, batch], generator: generator, dtype: ScalarType.Float32);
        var scale = draws[0].mul((float)(settings.ScaleMax - settings.ScaleMin)).add_((float)settings.ScaleMin);
        var inverse = scale.reciprocal();
        // In normalised coordinates the image spans [−1, 1]; a zoom by s allows shifts up to |1 − 1/s|.
        var shiftRange = inverse.neg().add_(1).abs_();
        var shiftX = draws[1].mul(2).sub_(1).mul_(shiftRange);
        var shiftY = draws[2].mul(2).sub_(1).mul_(shiftRange);
        var flipSign = settings.FlipHorizontal ? draws[3].lt(0.5f).to_type(ScalarType.Float32).mul_(-2).add_(1) : ones(batch);
        var zero = zeros(batch);
        // theta maps output coordinates to input coordinates: x_in = (±1/s)·x_out + shiftX, y_in = (1/s)·y_out + shiftY.
        var theta = stack([
            stack([inverse.mul(flipSign), zero, shiftX], 1),
            stack([zero, inverse, shiftY], 1),
        ], 1).to(images.device);
        var (warpedImages, warpedMasks) = Warp(images, masks, theta);
        return (warpedImages.MoveToOuterDisposeScope(), warpedMasks.Select(m => m.MoveToOuterDisposeScope()).ToArray());
    }

    /// <summary>
    /// Applies per-sample affine maps theta [B, 2, 3] (output → input, normalised coordinates,
    /// align_corners false) to images (bilinear) and masks (nearest). Image pixels outside the source
    /// are 0. A mask pixel is 255 if its nearest source pixel is outside the image or if any of the
    /// image's bilinear taps is (found by warping a channel of ones): such pixels count nowhere.
    /// </summary>
    public static (Tensor Images, Tensor Masks) Warp(Tensor images, Tensor masks, Tensor theta)
    {
        var (warpedImages, warpedMasks) = Warp(images, [masks], theta);
        return (warpedImages, warpedMasks[0]);
    }

    /// <summary><see cref="Warp(Tensor, Tensor, Tensor)"/> for several label maps of the same images.</summary>
    public static (Tensor Images, Tensor[] Masks) Warp(Tensor images, Tensor[] masks, Tensor theta)
    {
        using var scope = NewDisposeScope();
        long batch = images.shape[0], height = images.shape[2], width = images.shape[3];
        var grid = F.affine_grid(theta.to_type(ScalarType.Float32), [batch, 1, height, width], align_corners: false);
        var warpedImages = F.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        var coverage = F.grid_sample(ones(batch, 1, height, width, device: images.device), grid,
                                     GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).squeeze(1);
        var covered = coverage.gt(1 - 1e-4f);
        Tensor WarpLabels(Tensor labels)
        {
            // Labels shifted by one so that the zero padding of grid_sample means "outside".
            var shiftedLabels = labels.unsqueeze(1).to_type(ScalarType.Float32).add_(1);
            var warpedLabels = F.grid_sample(shiftedLabels, grid, GridSampleMode.Nearest, GridSamplePaddingMode.Zeros, align_corners: false).squeeze(1);
            var inside = warpedLabels.gt(0.5f).logical_and_(covered);
            return where(inside, warpedLabels.sub(1), full_like(warpedLabels, Labels.Ignore)).round_().to_type(ScalarType.Int64)
                .MoveToOuterDisposeScope();
        }
        return (warpedImages.MoveToOuterDisposeScope(), masks.Select(WarpLabels).ToArray());
    }

    /// <summary>
    /// Strong photometric view (after the weak view): per sample, with probability JitterProbability
    /// brightness, contrast and saturation jitter (in that order, each clamped to [0, 1]); with
    /// probability GrayscaleProbability grey (three channels only); with probability BlurProbability a
    /// Gaussian blur, sigma ~ U[BlurSigmaMin, BlurSigmaMax] × StrongStrength × min(1, min(H, W) / BlurReferenceSize),
    /// edges replicated. Geometry is untouched, so the weak view's mask still applies.
    /// </summary>
    public static Tensor StrongPhotometric(Tensor images, AugmentSettings settings, Generator? generator)
    {
        using var scope = NewDisposeScope();
        long batch = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        var draws = rand([7, batch], generator: generator, dtype: ScalarType.Float32).to(images.device);
        Tensor PerSample(Tensor t) => t.view(batch, 1, 1, 1);
        Tensor Factor(Tensor u, double amplitude) =>
            PerSample(u.mul(2).sub_(1).mul_((float)(amplitude * settings.StrongStrength)).add_(1).clamp_min_(0));
        Tensor Chance(Tensor u, double probability) => PerSample(u.lt((float)probability));

        var x = images;
        var jitter = Chance(draws[0], settings.JitterProbability);
        var brightened = x.mul(Factor(draws[1], settings.Brightness)).clamp_(0, 1);
        var grey = Grey(brightened);
        var greyMean = grey.mean([1L, 2L, 3L], keepdim: true);
        var contrasted = brightened.sub(greyMean).mul_(Factor(draws[2], settings.Contrast)).add_(greyMean).clamp_(0, 1);
        var saturated = channels == 3
            ? Grey(contrasted).lerp(contrasted, Factor(draws[3], settings.Saturation)).clamp_(0, 1)
            : contrasted;
        x = where(jitter, saturated, x);

        if (channels == 3)
            x = where(Chance(draws[4], settings.GrayscaleProbability), Grey(x).expand_as(x), x);

        double sizeScale = Math.Min(1.0, (double)Math.Min(height, width) / settings.BlurReferenceSize);
        double sigmaMax = settings.BlurSigmaMax * settings.StrongStrength * sizeScale;
        int radius = (int)Math.Ceiling(3 * sigmaMax);
        if (radius >= 1)
        {
            double sigmaMin = settings.BlurSigmaMin * settings.StrongStrength * sizeScale;
            var sigma = draws[6].mul((float)(sigmaMax - sigmaMin)).add_((float)sigmaMin).clamp_min_(1e-3f);
            x = where(Chance(draws[5], settings.BlurProbability), GaussianBlur(x, sigma, radius), x);
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Luma (ITU-R 601, as torchvision's rgb_to_grayscale) [B, 1, H, W]; a one-channel image is its own grey.</summary>
    static Tensor Grey(Tensor x) => x.shape[1] == 3
        ? x[.., 0..1].mul(0.299f).add_(x[.., 1..2].mul(0.587f)).add_(x[.., 2..3].mul(0.114f))
        : x;

    /// <summary>Separable Gaussian blur with one sigma per sample: a grouped convolution over B·C channels.</summary>
    static Tensor GaussianBlur(Tensor x, Tensor sigma, int radius)
    {
        long batch = x.shape[0], channels = x.shape[1], height = x.shape[2], width = x.shape[3];
        var taps = arange(-radius, radius + 1, device: x.device, dtype: ScalarType.Float32).view(1, -1);
        var kernel = taps.square().div(sigma.view(-1, 1).square().mul(-2)).exp_();
        kernel = kernel.div(kernel.sum(1, keepdim: true)).repeat_interleave(channels, dim: 0); // [B·C, 2r+1]
        var flat = x.reshape(1, batch * channels, height, width);
        flat = F.pad(flat, [radius, radius, radius, radius], PaddingModes.Replicate);
        flat = F.conv2d(flat, kernel.view(batch * channels, 1, 1, -1), groups: batch * channels);
        flat = F.conv2d(flat, kernel.view(batch * channels, 1, -1, 1), groups: batch * channels);
        return flat.view(batch, channels, height, width);
    }
}
