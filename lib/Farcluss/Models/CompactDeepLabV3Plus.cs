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
/// <para>Parameters: 1428w² + 112w + 9·InChannels·w + 2w·C + C at decoder stride 4 (one w²
/// less at stride 2). Width 40 (default): 2 290 531 for grey digits with 11 classes,
/// 2 292 061 for RGB with 21; width 20: 574 071, width 16: 367 867 (grey, 11 classes).</para>
/// <para>Cost of one training step (forward, cross-entropy, backward, Adam), batch 8 of
/// 1×H×W, 11 classes, <c>torch.set_num_threads(2)</c>, TorchSharp 0.107.0 on the kit's
/// 2-core CPU machine, median of 15 steps in three runs (the machine was shared, so the
/// spread is wide; forward multiply-adds in brackets):
/// width 40, decoder stride 4: 64×64 140–170 ms (1.9 G), 128×128 450–630 ms (7.7 G);
/// width 40, decoder stride 2: 64×64 235–295 ms (3.2 G), 128×128 830–990 ms (12.7 G);
/// width 20, decoder stride 4: 64×64 65–90 ms (0.5 G), 128×128 220–240 ms (1.9 G);
/// width 20, decoder stride 2: 64×64 95–135 ms (0.8 G), 128×128 265–350 ms (3.2 G).
/// About half the multiply-adds are at 1/8 (encoder, dilated block, ASPP), where each
/// parameter costs 512 per batch of 8 at 64×64, so halving the step time means about
/// halving the parameters (width ÷ √2).</para>
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
    /// null = torch's global generator. Building advances the global generator either way
    /// (TorchSharp's layers draw a default initialisation from it), but with a generator the
    /// weights do not depend on it.</param>
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
        // 2w, not DeepLab's 4w (= the context's width): the decoder runs at 1/4 (or 1/2) of the
        // input, where a channel costs 4× (16×) what it costs at 1/8; its two 3×3 convolutions
        // then take 126w² instead of 324w² multiply-adds per pixel.
        FeatureChannels = 2 * width;
        decoder = new DeepLabDecoder(contextChannels, skipInChannels, skipChannels, FeatureChannels);
        classifier = nn.Conv2d(FeatureChannels, settings.NumClasses, 1);
        RegisterComponents();
        // PyTorch's default (fan-in uniform), not He fan-out: see WeightInit for the measurement.
        WeightInit.FanInUniform(this, generator);
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
