using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>The compact encoder's three outputs: 1/2, 1/4 and 1/8 of the input resolution.</summary>
public readonly record struct CompactEncoderFeatures(Tensor Half, Tensor Quarter, Tensor Eighth);

/// <summary>
/// The feature extractor of <see cref="CompactDeepLabV3Plus"/>: three stride-2 conv-BN-ReLU
/// stages, each followed by a residual block (w channels at 1/2, 2w at 1/4, 4w at 1/8), then a
/// dilated residual block (dilation 2) at 1/8 that widens the receptive field without losing
/// resolution. It stops at 1/8, not 1/16 as DeepLab on ResNet does, because the kit's CPU
/// inputs are small (64×64 → an 8×8 map). Taught in notebook 01.
/// </summary>
public sealed class CompactEncoder : nn.Module<Tensor, CompactEncoderFeatures>
{
    private readonly nn.Module<Tensor, Tensor> stage1;
    private readonly nn.Module<Tensor, Tensor> stage2;
    private readonly nn.Module<Tensor, Tensor> stage3;
    private readonly ResidualBlock dilated;

    /// <summary>Channels at 1/2, 1/4 and 1/8.</summary>
    public (int Half, int Quarter, int Eighth) Channels { get; }

    public CompactEncoder(int inChannels, int width) : base(nameof(CompactEncoder))
    {
        Channels = (width, 2 * width, 4 * width);
        stage1 = nn.Sequential(new ConvBnRelu(inChannels, Channels.Half, 3, stride: 2), new ResidualBlock(Channels.Half));
        stage2 = nn.Sequential(new ConvBnRelu(Channels.Half, Channels.Quarter, 3, stride: 2), new ResidualBlock(Channels.Quarter));
        stage3 = nn.Sequential(new ConvBnRelu(Channels.Quarter, Channels.Eighth, 3, stride: 2), new ResidualBlock(Channels.Eighth));
        dilated = new ResidualBlock(Channels.Eighth, dilation: 2);
        RegisterComponents();
    }

    public override CompactEncoderFeatures forward(Tensor input)
    {
        var half = stage1.call(input);
        var quarter = stage2.call(half);
        var eighth = dilated.call(stage3.call(quarter));
        return new CompactEncoderFeatures(half, quarter, eighth);
    }
}
