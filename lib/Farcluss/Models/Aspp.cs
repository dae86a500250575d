using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// Atrous Spatial Pyramid Pooling (DeepLabV3): five parallel views of the deepest feature map,
/// concatenated and projected back to <c>outChannels</c>: a 1×1 convolution, three 3×3
/// convolutions with dilation rates <c>rates</c>, and the image-level mean (global average
/// pooling, 1×1 convolution, broadcast back). Taught in notebook 01.
/// </summary>
/// <remarks>
/// Two deliberate differences from torchvision's ASPP, both kit choices:
/// the image-pooling branch has a bias and no BatchNorm (BatchNorm over a 1×1 map of a batch of
/// one has a single value per channel and fails in training mode), and there is no dropout
/// after the projection (dropout would draw from the global random generator, and the kit's
/// randomness must come from a generator the trainer passes in).
/// </remarks>
public sealed class Aspp : nn.Module<Tensor, Tensor>
{
    private readonly ConvBnRelu pointwise;
    private readonly ModuleList<ConvBnRelu> atrous;
    private readonly Conv2d imagePool;
    private readonly ConvBnRelu project;

    /// <param name="inChannels">Channels of the deepest feature map.</param>
    /// <param name="outChannels">Channels of every branch and of the output.</param>
    /// <param name="rates">Dilation rates of the three 3×3 branches, in pixels of the deepest map.</param>
    public Aspp(int inChannels, int outChannels, (int, int, int) rates) : base(nameof(Aspp))
    {
        pointwise = new ConvBnRelu(inChannels, outChannels, kernelSize: 1);
        atrous = nn.ModuleList(
            new ConvBnRelu(inChannels, outChannels, 3, dilation: rates.Item1),
            new ConvBnRelu(inChannels, outChannels, 3, dilation: rates.Item2),
            new ConvBnRelu(inChannels, outChannels, 3, dilation: rates.Item3));
        imagePool = nn.Conv2d(inChannels, outChannels, 1, bias: true);
        project = new ConvBnRelu(5 * outChannels, outChannels, kernelSize: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        long height = input.shape[2], width = input.shape[3];
        var branches = new List<Tensor> { pointwise.call(input) };
        foreach (var branch in atrous) branches.Add(branch.call(input));
        var imageContext = nn.functional.relu(imagePool.call(nn.functional.adaptive_avg_pool2d(input, 1)));
        // Upsampling a 1×1 map bilinearly is a broadcast; expand says so without an interpolation.
        branches.Add(imageContext.expand(-1, -1, height, width));
        return project.call(torch.cat(branches, dim: 1));
    }
}
