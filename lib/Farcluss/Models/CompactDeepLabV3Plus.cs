using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// The kit's CPU model: DeepLabV3+ on a small residual encoder trained from scratch.
/// Encoder to 1/8 (<see cref="CompactEncoder"/>), ASPP with rates 1/2/4/6 at 1/8
/// (<see cref="Aspp"/>), decoder at 1/4 (or 1/2) fusing the upsampled ASPP output with a
/// projected skip (<see cref="DeepLabDecoder"/>), 1×1 classifier, bilinear upsampling of the
/// logits to the input size. Taught in notebook 01; its cost in notebook 08.
/// </summary>
/// <remarks>
/// PARAMS_AND_TIMINGS
/// </remarks>
public sealed class CompactDeepLabV3Plus : SegmentationModel
{
    private readonly CompactEncoder encoder;
    private readonly Aspp aspp;
    private readonly DeepLabDecoder decoder;
    private readonly Conv2d classifier;

    /// <summary>The settings the model was built with.</summary>
    public CompactModelSettings Settings { get; }

    public override int FeatureChannels { get; }
    public override int NumClasses => Settings.NumClasses;
    public override int DecoderOutputStride => Settings.DecoderOutputStride;
    public override string Architecture => $"compact-w{Settings.Width}-os{Settings.DecoderOutputStride}";

    /// <param name="settings">Validated here; a bad value throws <see cref="KitException"/>.</param>
    /// <param name="generator">Source of the initial weights (see <see cref="WeightInit"/>);
    /// null = torch's global generator.</param>
    public CompactDeepLabV3Plus(CompactModelSettings settings, Generator? generator = null)
        : base(nameof(CompactDeepLabV3Plus))
    {
        settings.Validate();
        Settings = settings;
        int width = settings.Width;
        encoder = new CompactEncoder(settings.InChannels, width);
        int contextChannels = 4 * width;
        aspp = new Aspp(encoder.Channels.Eighth, contextChannels, settings.AsppRates);
        int skipInChannels = settings.DecoderOutputStride == 4 ? encoder.Channels.Quarter : encoder.Channels.Half;
        // DeepLabV3+ projects the skip to 48 channels beside 256 of context so the context
        // dominates; w beside 4w keeps that balance at every width.
        int skipChannels = width;
        // 2w, not DeepLab's 4w: the decoder runs at 1/4 (or 1/2) of the input, where every
        // channel costs 4× (16×) what it costs at 1/8; 2w halved the CPU step time.
        FeatureChannels = 2 * width;
        decoder = new DeepLabDecoder(contextChannels, skipInChannels, skipChannels, FeatureChannels);
        classifier = nn.Conv2d(FeatureChannels, settings.NumClasses, 1);
        RegisterComponents();
        WeightInit.HeFanOut(this, generator);
        WeightInit.Classifier(classifier, generator);
    }

    public override SegmentationOutput forward(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var encoded = encoder.call(images);
        var skip = Settings.DecoderOutputStride == 4 ? encoded.Quarter : encoded.Half;
        var features = decoder.call(aspp.call(encoded.Eighth), skip);
        var logits = DeepLabDecoder.UpsampleTo(classifier.call(features), images.shape[2], images.shape[3]);
        var (logitsOut, featuresOut) = scope.MoveToOuter(logits, features);
        return new SegmentationOutput(logitsOut, featuresOut);
    }

    /// <summary>The encoder's parameters (trained from scratch like the rest, so a trainer
    /// normally gives them the same learning rate).</summary>
    public override IEnumerable<Parameter> BackboneParameters() => encoder.parameters();

    public override IEnumerable<Parameter> HeadParameters() =>
        aspp.parameters().Concat(decoder.parameters()).Concat(classifier.parameters());
}
