using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// The one way the CLI and the trainer build a model: from a <see cref="ModelSettings"/> to a
/// <see cref="SegmentationModel"/>. A kind that does not exist, or a field that the chosen kind
/// does not use, is a <see cref="KitException"/>. Taught in notebook 01.
/// </summary>
public static class ModelFactory
{
    /// <summary>Every kind <see cref="Create"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Kinds = new[] { ModelSettings.Compact, ModelSettings.ResNet50, ModelSettings.ResNet101 };

    /// <summary>Builds the model <paramref name="settings"/> describe, with fresh random weights.</summary>
    /// <param name="settings">What to build.</param>
    /// <param name="generator">Source of the initial weights; null = torch's global generator,
    /// so <c>torch.manual_seed</c> before the call also makes the model reproducible.</param>
    public static SegmentationModel Create(ModelSettings settings, Generator? generator = null) => settings.Kind switch
    {
        ModelSettings.Compact => new CompactDeepLabV3Plus(ToCompact(settings), generator),
        ModelSettings.ResNet50 or ModelSettings.ResNet101 => new ResNetDeepLabV3Plus(ToResNet(settings), generator),
        _ => throw new KitException($"model: unknown Kind {Echo.Quote(settings.Kind)}; expected one of {string.Join(", ", Kinds)}."),
    };

    /// <summary>
    /// How many parameters <see cref="Create"/> would allocate, learned without allocating them, so a file
    /// that names a model (a checkpoint header) can be checked against its own length first. The compact
    /// model's count is exactly quadratic in its width (every convolution maps multiples of w to multiples of w,
    /// the input channels or the classes), so it is fitted on widths 4, 5 and 6, which cost kilobytes.
    /// A ResNet's count is added up from its structure (<see cref="ResNetParameterCount"/>), building nothing.
    /// </summary>
    public static long ParameterCount(ModelSettings settings)
    {
        if (settings.Kind != ModelSettings.Compact) return ResNetParameterCount(ToResNet(settings));
        var compact = ToCompact(settings);
        long CountAt(int width)
        {
            using var small = new CompactDeepLabV3Plus(compact with { Width = width });
            return small.parameters().Sum(p => p.numel());
        }
        long p4 = CountAt(4), p5 = CountAt(5), p6 = CountAt(6);
        long second = p6 - 2 * p5 + p4; // = 2a for P(w) = a w² + b w + c
        long w = compact.Width;
        // Newton's forward differences from w = 4: P(w) = P4 + (w−4) Δ + (w−4)(w−5)/2 Δ².
        return p4 + (w - 4) * (p5 - p4) + (w - 4) * (w - 5) / 2 * second;
    }

    /// <summary>
    /// The parameters of <see cref="ResNetDeepLabV3Plus"/> counted by hand from its layers (bias-free convolutions,
    /// BatchNorm's two per channel): torchvision's backbone (ResNet-50 23,508,032 and ResNet-101 42,500,160 for RGB
    /// input), ASPP and decoder 16,837,296 + 256·C + C. The output stride changes dilations, not the count.
    /// </summary>
    public static long ResNetParameterCount(ResNetModelSettings settings)
    {
        static long ConvBn(long inChannels, long outChannels, int kernel) => inChannels * outChannels * kernel * kernel + 2 * outChannels;
        long count = ConvBn(settings.InChannels, ResNetBackbone.StandardBaseWidth, 7);
        long inPlanes = ResNetBackbone.StandardBaseWidth;
        var blocks = ResNetBackbone.BlocksOf(settings.Depth);
        for (int layer = 0; layer < 4; layer++)
        {
            long planes = (long)ResNetBackbone.StandardBaseWidth << layer, outPlanes = planes * ResNetBottleneck.Expansion;
            for (int block = 0; block < blocks[layer]; block++)
            {
                count += ConvBn(inPlanes, planes, 1) + ConvBn(planes, planes, 3) + ConvBn(planes, outPlanes, 1);
                if (block == 0) count += ConvBn(inPlanes, outPlanes, 1); // each layer's first block changes stride or channels
                inPlanes = outPlanes;
            }
        }
        const long aspp = ResNetModelSettings.AsppChannels, skip = ResNetModelSettings.LowLevelChannels;
        count += ConvBn(ResNetBackbone.DeepChannels, aspp, 1) + 3 * ConvBn(ResNetBackbone.DeepChannels, aspp, 3)
                 + ResNetBackbone.DeepChannels * aspp + aspp + ConvBn(5 * aspp, aspp, 1);
        count += ConvBn(ResNetBackbone.LowLevelChannels, skip, 1) + ConvBn(aspp + skip, aspp, 3) + ConvBn(aspp, aspp, 3);
        return count + aspp * settings.NumClasses + settings.NumClasses;
    }

    /// <summary>The compact model's own settings; throws if a ResNet-only field is set.</summary>
    public static CompactModelSettings ToCompact(ModelSettings settings)
    {
        if (settings.OutputStride is not null)
            throw new KitException($"model: OutputStride applies to the ResNet models only; the compact model's encoder stops at 1/8 (got OutputStride {settings.OutputStride}).");
        if (settings.BackboneWeights is not null)
            throw new KitException("model: BackboneWeights (ImageNet weights) apply to the ResNet models only; the compact model trains from scratch.");
        var defaults = new CompactModelSettings { NumClasses = settings.NumClasses };
        var compact = defaults with
        {
            InChannels = settings.InChannels,
            Width = settings.Width ?? defaults.Width,
            DecoderOutputStride = settings.DecoderOutputStride ?? defaults.DecoderOutputStride,
        };
        compact.Validate();
        return compact;
    }

    /// <summary>The ResNet model's own settings; throws if a compact-only field is set.</summary>
    public static ResNetModelSettings ToResNet(ModelSettings settings)
    {
        if (settings.Width is not null)
            throw new KitException($"model: Width applies to the compact model only, not to {settings.Kind} (got Width {settings.Width}).");
        if (settings.DecoderOutputStride is not (null or 4))
            throw new KitException($"model: {settings.Kind} decodes at 1/4 (from layer1) only; DecoderOutputStride {settings.DecoderOutputStride} is not available.");
        var defaults = new ResNetModelSettings { NumClasses = settings.NumClasses };
        var resnet = defaults with
        {
            Depth = settings.Kind == ModelSettings.ResNet101 ? 101 : 50,
            InChannels = settings.InChannels,
            OutputStride = settings.OutputStride ?? defaults.OutputStride,
        };
        resnet.Validate();
        return resnet;
    }
}
