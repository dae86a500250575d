using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

public class ResNetDeepLabV3PlusTests : ModelTestBase
{
    // torchvision's published totals: resnet50 25 557 032 and resnet101 44 549 160 parameters,
    // of which fc holds 2048·1000 + 1000 = 2 049 000. The backbone is everything but fc.
    const long ResNet50Backbone = 25_557_032 - 2_049_000;   // 23 508 032
    const long ResNet101Backbone = 44_549_160 - 2_049_000;  // 42 500 160

    // Head by hand (bias-free convs + BatchNorm 2 per channel), C classes:
    //   ASPP 2048→256: 1×1 524 288 + 512; three 3×3 3·(9·2048·256 + 512) = 14 157 312;
    //        image pool 2048·256 + 256 = 524 544; projection 1280·256 + 512 = 328 192 → 15 534 848
    //   decoder: layer1 1×1 256→48 12 288 + 96; 3×3 304→256 700 416 + 512; 3×3 256→256 589 824 + 512 → 1 303 648
    //   classifier 256·C + C
    static long HeadCount(long numClasses) => 15_534_848 + 1_303_648 + 256 * numClasses + numClasses;

    // Odd input 65×65: conv1 (7×7, stride 2, pad 3) → ⌊(65 + 6 − 7)/2⌋ + 1 = 33; maxpool (3, 2, pad 1)
    // → ⌊(33 + 2 − 3)/2⌋ + 1 = 17 = layer1's size, where the decoder runs.
    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void ResNet50OnA65PixelImageGivesLogitsAt65AndFeaturesAt17(int outputStride)
    {
        using var model = new ResNetDeepLabV3Plus(new ResNetModelSettings { NumClasses = 4, OutputStride = outputStride }, new Generator(1));
        model.eval();
        using var noGrad = torch.no_grad();
        using var images = torch.rand(new long[] { 1, 3, 65, 65 }, generator: new Generator(2));
        var result = model.call(images);
        Assert.Equal(new long[] { 1, 4, 65, 65 }, Shape(result.Logits));
        Assert.Equal(new long[] { 1, 256, 17, 17 }, Shape(result.Features));
        Assert.Equal(256, model.FeatureChannels);
        Assert.Equal($"resnet50-os{outputStride}", model.Architecture);
        Assert.True(result.Logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void TrainModeRunsOnABatchOfOne()
    {
        // The image-pooling branch has no BatchNorm, so a 1-image batch trains (torchvision's ASPP would throw).
        using var model = new ResNetDeepLabV3Plus(new ResNetModelSettings { NumClasses = 3 }, new Generator(1));
        model.train();
        using var images = torch.rand(new long[] { 1, 3, 33, 33 }, generator: new Generator(2));
        var loss = model.call(images).Logits.mean();
        loss.backward();
        Assert.NotNull(model.HeadParameters().First().grad);
    }

    [Fact]
    public void ParameterCountsMatchTorchvisionAndTheHandCount()
    {
        using var model = new ResNetDeepLabV3Plus(new ResNetModelSettings { NumClasses = 21 });
        long backbone = CountParameters(model.BackboneParameters());
        long head = CountParameters(model.HeadParameters());
        Assert.Equal(ResNet50Backbone, backbone);
        Assert.Equal(HeadCount(21), head); // 16 843 893
        Assert.Equal(16_843_893, head);
        Assert.Equal(backbone + head, CountParameters(model.parameters()));
    }

    [Fact]
    public void ResNet101BackboneHasTorchvisionsParameterCount()
    {
        using var backbone = new ResNetBackbone(101, (false, false, true));
        Assert.Equal(ResNet101Backbone, CountParameters(backbone.parameters()));
    }

    [Fact]
    public void BackboneKeysAreTorchvisionsAndItsWeightsGiveTorchvisionsOutput()
    {
        // torchvision's ResNet-50, dilated as for output stride 8, in eval mode.
        var dilation = (false, true, true);
        using var reference = torchvision.models.resnet50(replace_stride_with_dilation: dilation);
        using var backbone = new ResNetBackbone(50, dilation);
        reference.eval();
        backbone.eval();
        var referenceState = reference.state_dict();
        var backboneState = backbone.state_dict();

        // Same keys (but fc.*), same shapes: an ImageNet state dict loads by name.
        var expectedKeys = referenceState.Keys.Where(k => !k.StartsWith("fc.")).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(expectedKeys, backboneState.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList());
        foreach (var key in expectedKeys) Assert.Equal(referenceState[key].shape, backboneState[key].shape);
        Assert.Contains("layer4.0.downsample.1.running_var", expectedKeys);

        var copied = expectedKeys.ToDictionary(k => k, k => referenceState[k]);
        backbone.load_state_dict(copied, strict: true);

        // Then torchvision's class scores = its fc applied to the mean of our layer4: the
        // dilations (which block gets which) must match torchvision's exactly for this to hold.
        using var noGrad = torch.no_grad();
        using var images = torch.rand(new long[] { 1, 3, 65, 65 }, generator: new Generator(3));
        var expected = reference.call(images);
        var deep = backbone.call(images).Deep;
        Assert.Equal(new long[] { 1, 2048, 9, 9 }, Shape(deep)); // 17 at layer1, 9 after layer2, then dilated
        var pooled = deep.mean(new long[] { 2, 3 });
        var actual = nn.functional.linear(pooled, referenceState["fc.weight"], referenceState["fc.bias"]);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4),
            $"largest difference {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void OutputStrideChoosesTorchvisionsDilationsAndDeepLabsRates()
    {
        var os16 = new ResNetModelSettings { NumClasses = 2 };
        var os8 = os16 with { OutputStride = 8 };
        Assert.Equal((false, false, true), os16.ReplaceStrideWithDilation);
        Assert.Equal((6, 12, 18), os16.AsppRates);
        Assert.Equal((false, true, true), os8.ReplaceStrideWithDilation);
        Assert.Equal((12, 24, 36), os8.AsppRates);
    }

    [Theory]
    [InlineData(34, 16)]
    [InlineData(50, 32)]
    public void BadSettingsAreKitErrors(int depth, int outputStride)
    {
        Assert.Throws<KitException>(() => new ResNetDeepLabV3Plus(new ResNetModelSettings { NumClasses = 2, Depth = depth, OutputStride = outputStride }));
    }
}
