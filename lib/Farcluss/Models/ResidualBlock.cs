using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// A ResNet "basic" block that keeps channels and resolution: x + BN(conv(ReLU(BN(conv(x))))),
/// then ReLU. With <c>dilation</c> &gt; 1 both 3×3 convolutions see a wider context at no extra
/// cost, which is how the compact encoder grows its receptive field at 1/8 without going to
/// 1/16. Taught in notebook 01.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;

    public ResidualBlock(int channels, int dilation = 1) : base(nameof(ResidualBlock))
    {
        conv1 = nn.Conv2d(channels, channels, 3, padding: dilation, dilation: dilation, bias: false);
        bn1 = nn.BatchNorm2d(channels);
        conv2 = nn.Conv2d(channels, channels, 3, padding: dilation, dilation: dilation, bias: false);
        bn2 = nn.BatchNorm2d(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var residual = bn2.call(conv2.call(bn1.call(conv1.call(input)).relu_()));
        return residual.add_(input).relu_();
    }
}
