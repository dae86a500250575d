using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// One draw of CutMix for a batch: for each sample, a rectangle (or none) and a partner sample whose
/// pixels replace its own inside the rectangle. The same object is applied to the strong images, to
/// the teacher's probabilities and to every map derived from them, so targets stay aligned with
/// what the student sees (METHOD.md, "The teacher"). Box sizes follow UniMatch's obtain_cutmix_box.
/// Taught in notebook 02.
/// </summary>
public sealed class CutMixBoxes : IDisposable
{
    /// <summary>float32 [B, 1, H, W]: 1 inside sample b's box, 0 elsewhere (all 0 for a sample without a box).</summary>
    public Tensor BoxMask { get; }

    /// <summary>int64 [B]: the sample whose pixels fill sample b's box. A random cyclic order, so for
    /// B &gt; 1 no sample is its own partner (a self-mix would be a wasted box).</summary>
    public Tensor Partner { get; }

    CutMixBoxes(Tensor boxMask, Tensor partner) => (BoxMask, Partner) = (boxMask, partner);

    /// <summary>
    /// Draws boxes for a batch of <paramref name="batch"/> images of <paramref name="height"/>×<paramref name="width"/>.
    /// With probability <paramref name="probability"/> a sample gets a box of area U[areaMin, areaMax]·H·W and
    /// aspect (h/w) U[aspectMin, 1/aspectMin], at a uniform position where it fits. UniMatch redraws a box that
    /// does not fit; here its sides are clamped to the image instead, which keeps the draw count fixed.
    /// All randomness comes from <paramref name="generator"/> (a CPU generator); tensors go to <paramref name="device"/>.
    /// </summary>
    public static CutMixBoxes Sample(int batch, int height, int width, Generator? generator, double probability = 0.5,
                                     double areaMin = 0.02, double areaMax = 0.4, double aspectMin = 0.3, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var draws = rand([6, batch], generator: generator, dtype: ScalarType.Float64);
        var hasBox = draws[0].lt(probability);
        var area = draws[1].mul(areaMax - areaMin).add_(areaMin).mul_((double)height * width);
        var aspect = draws[2].mul(1 / aspectMin - aspectMin).add_(aspectMin);
        var boxWidth = area.div(aspect).sqrt_().floor_().clamp_(0, width);
        var boxHeight = area.mul(aspect).sqrt_().floor_().clamp_(0, height);
        var left = draws[3].mul(boxWidth.neg().add_(width + 1)).floor_();
        var top = draws[4].mul(boxHeight.neg().add_(height + 1)).floor_();

        var xs = arange(width, dtype: ScalarType.Float64).view(1, 1, 1, width);
        var ys = arange(height, dtype: ScalarType.Float64).view(1, 1, height, 1);
        Tensor Col(Tensor t) => t.view(batch, 1, 1, 1);
        var inside = xs.ge(Col(left)).logical_and(xs.lt(Col(left + boxWidth)))
            .logical_and(ys.ge(Col(top))).logical_and(ys.lt(Col(top + boxHeight)))
            .logical_and(Col(hasBox));

        // A random cyclic order: shuffle, then each sample's partner is the next one in the shuffled order.
        var order = randperm(batch, generator: generator);
        var partner = empty(batch, ScalarType.Int64).index_copy_(0, order, order.roll(-1));

        device ??= CPU;
        var boxMask = inside.to_type(ScalarType.Float32).to(device).MoveToOuterDisposeScope();
        return new CutMixBoxes(boxMask, partner.to(device).MoveToOuterDisposeScope());
    }

    /// <summary>Draws boxes with the CutMix settings of <paramref name="settings"/>.</summary>
    public static CutMixBoxes Sample(int batch, int height, int width, Generator? generator, AugmentSettings settings, Device? device = null) =>
        Sample(batch, height, width, generator, settings.CutMixProbability, settings.CutMixAreaMin, settings.CutMixAreaMax,
               settings.CutMixAspectMin, device);

    /// <summary>
    /// Mixes a batch: inside sample b's box the result is x[Partner[b]], elsewhere x[b], i.e.
    /// x·(1 − M) + x[perm]·M, computed with <c>where</c> so integer masks (and 255 ignore labels) move intact.
    /// Works for [B, H, W] (masks, per-pixel weights) and [B, C, H, W] or [B, …, H, W] (images, probabilities).
    /// </summary>
    public Tensor Apply(Tensor x)
    {
        long batch = BoxMask.shape[0], height = BoxMask.shape[2], width = BoxMask.shape[3];
        if (x.dim() < 3 || x.shape[0] != batch || x.shape[^2] != height || x.shape[^1] != width)
            throw new ArgumentException($"CutMix boxes are for [{batch}, …, {height}, {width}]; got [{string.Join(", ", x.shape)}]");
        using var scope = NewDisposeScope();
        var shape = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        (shape[0], shape[^2], shape[^1]) = (batch, height, width);
        var inBox = BoxMask.reshape(shape).to(x.device).to_type(ScalarType.Bool);
        return where(inBox, x.index_select(0, Partner.to(x.device)), x).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        BoxMask.Dispose();
        Partner.Dispose();
    }
}
