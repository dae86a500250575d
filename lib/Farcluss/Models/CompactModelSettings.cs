namespace Farcluss.Models;

/// <summary>
/// Settings of <see cref="CompactDeepLabV3Plus"/>, the kit's CPU model. Immutable; change one
/// field with <c>settings with { Width = 20 }</c>. Taught in notebook 01 (width and decoder
/// stride are ablated in notebook 08, cost).
/// </summary>
public sealed record CompactModelSettings
{
    /// <summary>Classes the classifier predicts (a dataset fact, so it has no default).</summary>
    public required int NumClasses { get; init; }

    /// <summary>Image channels: 1 for grey digits, 3 for RGB. Default 3.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>
    /// Base channel width w: the encoder has w channels at 1/2, 2w at 1/4, 4w at 1/8; ASPP has
    /// 4w, the decoder (and so the features) 2w. Parameters grow as w². Default 40: 2.29 M
    /// parameters for RGB input; 20 is the "half width" model (0.57 M). Measured counts and
    /// step times are in the documentation of <see cref="CompactDeepLabV3Plus"/>. At least 4.
    /// </summary>
    public int Width { get; init; } = 40;

    /// <summary>The widest compact model the kit builds (see <see cref="Validate"/>).</summary>
    public const int MaxWidth = 256;

    /// <summary>
    /// Resolution of the decoder (and of the features) relative to the input: 4 (default, the
    /// skip comes from the 1/4 stage, as in DeepLabV3+) or 2 (the skip comes from the 1/2 stage:
    /// finer masks for small inputs, about 4× the decoder's cost).
    /// </summary>
    public int DecoderOutputStride { get; init; } = 4;

    /// <summary>
    /// Dilation rates of ASPP's three 3×3 branches, in pixels of the 1/8 map. DeepLab's (6, 12, 18)
    /// were chosen for 1/16 maps of 513×513 crops (32×32); a 64×64 input has an 8×8 map, where a
    /// rate of 12 would only see padding. With the 1×1 branch (rate 1) the pyramid is 1/2/4/6:
    /// a rate-6 3×3 kernel spans 13 pixels, the whole 8×8 map and most of a 16×16 one.
    /// </summary>
    public (int, int, int) AsppRates { get; init; } = (2, 4, 6);

    /// <summary>Throws <see cref="KitException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (NumClasses < 2) throw new KitException($"compact model: NumClasses must be at least 2, got {NumClasses}.");
        if (InChannels < 1) throw new KitException($"compact model: InChannels must be at least 1, got {InChannels}.");
        if (Width < 4) throw new KitException($"compact model: Width must be at least 4, got {Width}.");
        // Parameters grow as w²: 256 is ~94 M parameters (~0.4 GB a copy, and training holds four), far past a CPU.
        if (Width > MaxWidth) throw new KitException($"compact model: Width must be at most {MaxWidth}, got {Width}.");
        if (DecoderOutputStride is not (2 or 4))
            throw new KitException($"compact model: DecoderOutputStride must be 4 or 2, got {DecoderOutputStride}.");
        var (r1, r2, r3) = AsppRates;
        if (r1 < 1 || r2 < 1 || r3 < 1) throw new KitException($"compact model: AsppRates must be positive, got {AsppRates}.");
    }
}
