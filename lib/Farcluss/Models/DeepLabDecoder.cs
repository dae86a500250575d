using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// The DeepLabV3+ decoder: upsample the ASPP output (context) bilinearly to the resolution of a
/// low-level skip feature map, concatenate it with a 1×1 projection of that skip (few channels,
/// so the fine detail does not drown the context), and fuse with two 3×3 conv-BN-ReLU blocks.
/// Its output is the model's <see cref="SegmentationOutput.Features"/>. Taught in notebook 01.
/// </summary>
public sealed class DeepLabDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ConvBnRelu skipProjection;
    private readonly ConvBnRelu fuse1;
    private readonly ConvBnRelu fuse2;

    /// <param name="contextChannels">Channels of the ASPP output.</param>
    /// <param name="skipInChannels">Channels of the low-level skip map.</param>
    /// <param name="skipChannels">Channels the skip is projected to (48 in DeepLabV3+).</param>
    /// <param name="outChannels">Channels of the decoder features.</param>
    public DeepLabDecoder(int contextChannels, int skipInChannels, int skipChannels, int outChannels)
        : base(nameof(DeepLabDecoder))
    {
        skipProjection = new ConvBnRelu(skipInChannels, skipChannels, kernelSize: 1);
        fuse1 = new ConvBnRelu(contextChannels + skipChannels, outChannels, 3);
        fuse2 = new ConvBnRelu(outChannels, outChannels, 3);
        RegisterComponents();
    }

    /// <param name="context">ASPP output, [B, contextChannels, h', w'].</param>
    /// <param name="skip">Low-level features, [B, skipInChannels, h, w], h ≥ h'.</param>
    /// <returns>Decoder features, [B, outChannels, h, w].</returns>
    public override Tensor forward(Tensor context, Tensor skip)
    {
        var upsampledContext = UpsampleTo(context, skip.shape[2], skip.shape[3]);
        var fused = torch.cat(new[] { upsampledContext, skipProjection.call(skip) }, dim: 1);
        return fuse2.call(fuse1.call(fused));
    }

    /// <summary>Bilinear resize to an exact size (align_corners false, as in torchvision's DeepLab).</summary>
    public static Tensor UpsampleTo(Tensor input, long height, long width) =>
        nn.functional.interpolate(input, new[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false);
}
