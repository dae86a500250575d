using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// The building block of both DeepLabV3+ heads and of the compact encoder: a bias-free
/// convolution, BatchNorm, ReLU. "Same" padding (dilation·(k−1)/2), so only the stride changes
/// the resolution: a stride-2 block maps H to ⌈H/2⌉, which is how odd sizes (65 → 33 → 17 → 9)
/// pass through. Taught in notebook 01.
/// </summary>
public sealed class ConvBnRelu : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public ConvBnRelu(int inChannels, int outChannels, int kernelSize = 3, int stride = 1, int dilation = 1)
        : base(nameof(ConvBnRelu))
    {
        // The bias would be cancelled by BatchNorm's mean subtraction, so the conv has none.
        conv = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride,
            padding: dilation * (kernelSize - 1) / 2, dilation: dilation, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    // In-place ReLU saves one activation-sized buffer per block; BatchNorm's backward needs its
    // input, not its output, so overwriting the output is safe (torchvision does the same).
    public override Tensor forward(Tensor input) => bn.call(conv.call(input)).relu_();
}
