using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// torchvision's ResNet Bottleneck block (v1.5: the stride sits on the 3×3 convolution):
/// 1×1 reduce, 3×3 (strided or dilated), 1×1 expand (×4), plus the identity or a 1×1
/// projection (<c>downsample</c>), then ReLU. Field names are torchvision's state-dict keys
/// (conv1, bn1, conv2, bn2, conv3, bn3, downsample.0, downsample.1), so ImageNet weights load
/// by key. Taught in notebook 09.
/// </summary>
public sealed class ResNetBottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>Output channels are <c>planes × Expansion</c>.</summary>
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Sequential? downsample;

    public ResNetBottleneck(int inPlanes, int planes, int stride, int dilation, bool withDownsample)
        : base(nameof(ResNetBottleneck))
    {
        conv1 = nn.Conv2d(inPlanes, planes, 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        if (withDownsample)
            downsample = nn.Sequential(
                nn.Conv2d(inPlanes, planes * Expansion, 1, stride: stride, bias: false),
                nn.BatchNorm2d(planes * Expansion));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = bn1.call(conv1.call(input)).relu_();
        x = bn2.call(conv2.call(x)).relu_();
        x = bn3.call(conv3.call(x));
        var identity = downsample is null ? input : downsample.call(input);
        return x.add_(identity).relu_();
    }
}
