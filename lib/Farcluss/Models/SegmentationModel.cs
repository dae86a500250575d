using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>What every segmentation model of the kit returns.</summary>
/// <param name="Logits">[B, C, H, W] class scores at input resolution.</param>
/// <param name="Features">[B, F, h, w] decoder features (before the classifier), used by the
/// contrastive projection head; h×w is the decoder's output resolution.</param>
public sealed record SegmentationOutput(Tensor Logits, Tensor Features);

/// <summary>Base class of the kit's models (compact DeepLabV3+, ResNet DeepLabV3+).</summary>
public abstract class SegmentationModel : nn.Module<Tensor, SegmentationOutput>
{
    protected SegmentationModel(string name) : base(name) { }

    /// <summary>Channels of <see cref="SegmentationOutput.Features"/>.</summary>
    public abstract int FeatureChannels { get; }

    /// <summary>Number of classes the classifier predicts.</summary>
    public abstract int NumClasses { get; }

    /// <summary>A short name for checkpoints and logs, e.g. "compact-w32-os4".</summary>
    public abstract string Architecture { get; }

    /// <summary>
    /// Parameters of the feature extractor (the part that ImageNet weights would initialise).
    /// A trainer may give them a lower learning rate than <see cref="HeadParameters"/>
    /// (DeepLab's habit with a pretrained ResNet: 10× lower). Together with the head's they are
    /// every parameter of the model, each exactly once.
    /// </summary>
    public abstract IEnumerable<Parameter> BackboneParameters();

    /// <summary>Parameters of ASPP, decoder and classifier (always trained from scratch).</summary>
    public abstract IEnumerable<Parameter> HeadParameters();

    /// <summary>The spatial stride of <see cref="SegmentationOutput.Features"/> relative to the input (4 or 2).</summary>
    public abstract int DecoderOutputStride { get; }
}
