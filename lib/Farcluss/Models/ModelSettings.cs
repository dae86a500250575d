namespace Farcluss.Models;

/// <summary>
/// Which model to build, in one flat record that a config file, the CLI and the trainer share;
/// <see cref="ModelFactory.Create"/> turns it into a model. Kind-specific fields are nullable:
/// null means "the kind's default", and setting one that the kind does not use is an error
/// rather than silently ignored. Taught in notebook 01.
/// </summary>
public sealed record ModelSettings
{
    /// <summary>The CPU model, <see cref="CompactDeepLabV3Plus"/>.</summary>
    public const string Compact = "compact";
    /// <summary><see cref="ResNetDeepLabV3Plus"/> on ResNet-50.</summary>
    public const string ResNet50 = "resnet50";
    /// <summary><see cref="ResNetDeepLabV3Plus"/> on ResNet-101.</summary>
    public const string ResNet101 = "resnet101";

    /// <summary>"compact" (default), "resnet50" or "resnet101".</summary>
    public string Kind { get; init; } = Compact;

    /// <summary>Classes the classifier predicts. A dataset fact, so the default 0 means "not set":
    /// the trainer fills it in from the data; <see cref="ModelFactory.Create"/> needs at least 2.</summary>
    public int NumClasses { get; init; }

    /// <summary>Image channels: 1 for grey digits, 3 for RGB (default).</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Compact only: <see cref="CompactModelSettings.Width"/>; null = its default (40).</summary>
    public int? Width { get; init; }

    /// <summary>Compact: 4 (default) or 2, see <see cref="CompactModelSettings.DecoderOutputStride"/>.
    /// ResNet: the decoder always runs at 1/4 (layer1), so only 4 or null.</summary>
    public int? DecoderOutputStride { get; init; }

    /// <summary>ResNet only: 16 (default) or 8, see <see cref="ResNetModelSettings.OutputStride"/>.</summary>
    public int? OutputStride { get; init; }

    /// <summary>ResNet only: ImageNet weights for the backbone, torchvision's state dict: its .pth as published
    /// (read in C#, <see cref="PthFile"/>) or converted by the optional data-scripts/convert-torchvision-weights.py
    /// (<see cref="PretrainedBackbone"/>); the trainer loads
    /// them into the student before the teacher copies it. Null (default): random initialisation.</summary>
    public string? BackboneWeights { get; init; }
}
