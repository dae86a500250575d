using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// The paper's model for GPUs: DeepLabV3+ on a dilated ResNet-50/101
/// (<see cref="ResNetBackbone"/>, torchvision's layer names under <c>backbone.</c>), ASPP with
/// 256 channels, a decoder at 1/4 fusing ASPP with a 48-channel projection of layer1, two 3×3
/// convolutions of 256, a 1×1 classifier, bilinear upsampling to the input size.
/// <see cref="SegmentationOutput.Features"/> are the 256-channel decoder output at 1/4.
/// Taught in notebook 09 (own data, full scale).
/// </summary>
/// <remarks>
/// Built with random weights: ImageNet weights are loaded afterwards by state-dict key
/// (<c>backbone.conv1.weight</c>, <c>backbone.layer1.0.conv1.weight</c>, …). A trainer
/// usually gives <see cref="BackboneParameters"/> a 10× lower learning rate than
/// <see cref="HeadParameters"/>.
/// </remarks>
public sealed class ResNetDeepLabV3Plus : SegmentationModel
{
    private readonly ResNetBackbone backbone;
    private readonly Aspp aspp;
    private readonly DeepLabDecoder decoder;
    private readonly Conv2d classifier;

    /// <summary>The ResNet feature extractor, torchvision's names; ImageNet weights go here (<see cref="PretrainedBackbone"/>).</summary>
    public ResNetBackbone Backbone => backbone;

    /// <summary>The settings the model was built with.</summary>
    public ResNetModelSettings Settings { get; }

    public override int FeatureChannels => ResNetModelSettings.AsppChannels;
    public override int NumClasses => Settings.NumClasses;
    public override int DecoderOutputStride => 4;
    public override string Architecture => $"resnet{Settings.Depth}-os{Settings.OutputStride}";

    /// <param name="settings">Validated here; a bad value throws <see cref="KitException"/>.</param>
    /// <param name="generator">Source of the initial weights (see <see cref="WeightInit"/>);
    /// null = torch's global generator.</param>
    public ResNetDeepLabV3Plus(ResNetModelSettings settings, Generator? generator = null)
        : base(nameof(ResNetDeepLabV3Plus))
    {
        settings.Validate();
        Settings = settings;
        backbone = new ResNetBackbone(settings.Depth, settings.ReplaceStrideWithDilation, settings.InChannels);
        aspp = new Aspp(ResNetBackbone.DeepChannels, ResNetModelSettings.AsppChannels, settings.AsppRates);
        decoder = new DeepLabDecoder(ResNetModelSettings.AsppChannels, ResNetBackbone.LowLevelChannels,
            ResNetModelSettings.LowLevelChannels, ResNetModelSettings.AsppChannels);
        classifier = nn.Conv2d(ResNetModelSettings.AsppChannels, settings.NumClasses, 1);
        RegisterComponents();
        WeightInit.HeFanOut(this, generator);
        WeightInit.Classifier(classifier, generator);
    }

    public override SegmentationOutput forward(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var encoded = backbone.call(images);
        var features = decoder.call(aspp.call(encoded.Deep), encoded.LowLevel);
        var logits = DeepLabDecoder.UpsampleTo(classifier.call(features), images.shape[2], images.shape[3]);
        var (logitsOut, featuresOut) = scope.MoveToOuter(logits, features);
        return new SegmentationOutput(logitsOut, featuresOut);
    }

    public override IEnumerable<Parameter> BackboneParameters() => backbone.parameters();

    public override IEnumerable<Parameter> HeadParameters() =>
        aspp.parameters().Concat(decoder.parameters()).Concat(classifier.parameters());
}
