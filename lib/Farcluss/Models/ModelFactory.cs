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
        _ => throw new KitException($"model: unknown Kind \"{settings.Kind}\"; expected one of {string.Join(", ", Kinds)}."),
    };

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
