using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>The two maps DeepLabV3+ takes from a ResNet: layer1 (1/4, 256 channels) and layer4 (1/8 or 1/16, 2048).</summary>
public readonly record struct ResNetFeatures(Tensor LowLevel, Tensor Deep);

/// <summary>
/// ResNet-50/101 without its classifier, returning layer1 and layer4. It mirrors torchvision's
/// <c>resnet50/101(replace_stride_with_dilation: …)</c> layer for layer and key for key
/// (conv1, bn1, layer1…layer4, each a list of <see cref="ResNetBottleneck"/>), so an ImageNet
/// state dict loads into it by name (its fc.* keys are simply not used). It exists because
/// TorchVision 0.107.0's C# ResNet keeps its layers private and its forward returns only the
/// 1000-class scores, so its intermediate maps cannot be reached. ImageNet weights load with
/// <see cref="PretrainedBackbone"/>. Taught in notebook 09.
/// </summary>
public sealed class ResNetBackbone : nn.Module<Tensor, ResNetFeatures>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;

    /// <summary>Channels of <see cref="ResNetFeatures.LowLevel"/> at the standard width.</summary>
    public const int LowLevelChannels = 64 * ResNetBottleneck.Expansion;

    /// <summary>Channels of <see cref="ResNetFeatures.Deep"/> at the standard width.</summary>
    public const int DeepChannels = 512 * ResNetBottleneck.Expansion;

    /// <summary>Channels of the stem, and of the first layer before expansion, in torchvision's ResNets.</summary>
    public const int StandardBaseWidth = 64;

    /// <summary>Channels of <see cref="ResNetFeatures.LowLevel"/> for this instance (256 at the standard width).</summary>
    public int LowLevelChannelCount { get; }

    /// <summary>Channels of <see cref="ResNetFeatures.Deep"/> for this instance (2048 at the standard width).</summary>
    public int DeepChannelCount { get; }

    /// <summary>Bottleneck blocks per layer: ResNet-50 [3, 4, 6, 3], ResNet-101 [3, 4, 23, 3].</summary>
    public static int[] BlocksOf(int depth) => depth switch
    {
        50 => new[] { 3, 4, 6, 3 },
        101 => new[] { 3, 4, 23, 3 },
        _ => throw new KitException($"resnet backbone: depth must be 50 or 101, got {depth}."),
    };

    /// <param name="depth">50 or 101.</param>
    /// <param name="replaceStrideWithDilation">torchvision's flag per layer2/3/4.</param>
    /// <param name="inChannels">Image channels (3 for ImageNet weights).</param>
    public ResNetBackbone(int depth, (bool, bool, bool) replaceStrideWithDilation, int inChannels = 3)
        : this(BlocksOf(depth), replaceStrideWithDilation, inChannels, StandardBaseWidth) { }

    /// <summary>
    /// Any torchvision-style Bottleneck ResNet: <paramref name="blocksPerLayer"/> (four counts) and a
    /// stem of <paramref name="baseWidth"/> channels (layers at 1×, 2×, 4×, 8× it, expanded ×4). The
    /// standard networks use 64; the weight-import test uses a width-8 network small enough to commit.
    /// </summary>
    public ResNetBackbone(IReadOnlyList<int> blocksPerLayer, (bool, bool, bool) replaceStrideWithDilation, int inChannels, int baseWidth)
        : base(nameof(ResNetBackbone))
    {
        if (blocksPerLayer.Count != 4 || blocksPerLayer.Any(b => b < 1))
            throw new KitException($"resnet backbone: four layers of at least one block each are needed, got [{string.Join(", ", blocksPerLayer)}].");
        if (baseWidth < 1) throw new KitException($"resnet backbone: base width must be at least 1, got {baseWidth}.");
        conv1 = nn.Conv2d(inChannels, baseWidth, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(baseWidth);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        var builder = new LayerBuilder(baseWidth);
        layer1 = builder.Make(baseWidth, blocksPerLayer[0], stride: 1, dilate: false);
        layer2 = builder.Make(baseWidth * 2, blocksPerLayer[1], stride: 2, dilate: replaceStrideWithDilation.Item1);
        layer3 = builder.Make(baseWidth * 4, blocksPerLayer[2], stride: 2, dilate: replaceStrideWithDilation.Item2);
        layer4 = builder.Make(baseWidth * 8, blocksPerLayer[3], stride: 2, dilate: replaceStrideWithDilation.Item3);
        LowLevelChannelCount = baseWidth * ResNetBottleneck.Expansion;
        DeepChannelCount = baseWidth * 8 * ResNetBottleneck.Expansion;
        RegisterComponents();
    }

    public override ResNetFeatures forward(Tensor images)
    {
        var stem = maxpool.call(bn1.call(conv1.call(images)).relu_());
        var lowLevel = layer1.call(stem);
        var deep = layer4.call(layer3.call(layer2.call(lowLevel)));
        return new ResNetFeatures(lowLevel, deep);
    }

    /// <summary>torchvision's <c>_make_layer</c>: it carries the channel count and the dilation
    /// from one layer to the next.</summary>
    private sealed class LayerBuilder(int stemChannels)
    {
        private int inPlanes = stemChannels;
        private int dilation = 1;

        public Sequential Make(int planes, int blockCount, int stride, bool dilate)
        {
            int previousDilation = dilation;
            if (dilate)
            {
                // The stride this layer would have had becomes dilation for the rest of the net.
                dilation *= stride;
                stride = 1;
            }
            bool withDownsample = stride != 1 || inPlanes != planes * ResNetBottleneck.Expansion;
            // As in torchvision, the first block keeps the previous dilation: it is the one that
            // would have been strided.
            var layer = nn.Sequential();
            layer.append(new ResNetBottleneck(inPlanes, planes, stride, previousDilation, withDownsample));
            inPlanes = planes * ResNetBottleneck.Expansion;
            for (int i = 1; i < blockCount; i++)
                layer.append(new ResNetBottleneck(inPlanes, planes, 1, dilation, withDownsample: false));
            return layer;
        }
    }
}
