namespace Farcluss.Models;

/// <summary>
/// Settings of <see cref="ResNetDeepLabV3Plus"/>, the paper's GPU model (DeepLabV3+ on
/// ResNet-50/101). Immutable; ablate with <c>settings with { OutputStride = 8 }</c>.
/// Taught in notebook 09 (own data, full scale).
/// </summary>
public sealed record ResNetModelSettings
{
    /// <summary>Classes the classifier predicts (21 for VOC, 19 for Cityscapes: a dataset fact, so no default).</summary>
    public required int NumClasses { get; init; }

    /// <summary>ResNet depth: 50 (3-4-6-3 Bottleneck blocks) or 101 (3-4-23-3). Default 50.</summary>
    public int Depth { get; init; } = 50;

    /// <summary>
    /// Stride of the deepest feature map: 16 (default; layer4 dilated, ASPP rates 6/12/18) or
    /// 8 (layer3 and layer4 dilated, rates 12/24/36: finer masks, about 3× the backbone's cost).
    /// </summary>
    public int OutputStride { get; init; } = 16;

    /// <summary>Image channels. Default 3; ImageNet weights exist only for 3.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Channels of ASPP and of the decoder (DeepLabV3+: 256).</summary>
    public const int AsppChannels = 256;

    /// <summary>Channels the layer1 skip is projected to (DeepLabV3+: 48).</summary>
    public const int LowLevelChannels = 48;

    /// <summary>
    /// torchvision's <c>replace_stride_with_dilation</c> for layer2, layer3, layer4: which
    /// stride-2 stages become dilated stride-1 stages to reach <see cref="OutputStride"/>.
    /// </summary>
    public (bool, bool, bool) ReplaceStrideWithDilation =>
        OutputStride == 8 ? (false, true, true) : (false, false, true);

    /// <summary>ASPP rates for <see cref="OutputStride"/>: DeepLabV3's (6, 12, 18) at 1/16, doubled at 1/8.</summary>
    public (int, int, int) AsppRates => OutputStride == 8 ? (12, 24, 36) : (6, 12, 18);

    /// <summary>Throws <see cref="KitException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (NumClasses < 2) throw new KitException($"resnet model: NumClasses must be at least 2, got {NumClasses}.");
        if (Depth is not (50 or 101)) throw new KitException($"resnet model: Depth must be 50 or 101, got {Depth}.");
        if (OutputStride is not (8 or 16)) throw new KitException($"resnet model: OutputStride must be 16 or 8, got {OutputStride}.");
        if (InChannels < 1) throw new KitException($"resnet model: InChannels must be at least 1, got {InChannels}.");
    }
}
