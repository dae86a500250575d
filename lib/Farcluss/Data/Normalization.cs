using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// Per-channel mean and standard deviation, in [0, 1] pixel units, that turn an image with
/// values in [0, 1] into the zero-centred input a network trains best on: (x − mean) / std.
/// Augmentations work on [0, 1] images (padding is black, brightness is a product), so the
/// training step normalises <i>after</i> augmenting. Taught in notebook 00.
/// </summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>ImageNet's statistics, the usual choice for natural images and pretrained backbones.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>No change: mean 0, std 1 for every channel.</summary>
    public static Normalization Identity(int channels) =>
        new(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());

    /// <summary>Number of channels this normalisation is for.</summary>
    public int Channels => Mean.Length;

    /// <summary>(x − mean) / std per channel for images [B, C, H, W] (or [C, H, W]) with values in [0, 1].</summary>
    public Tensor Apply(Tensor images01)
    {
        using var scope = NewDisposeScope();
        long channelDim = images01.dim() - 3;
        if (images01.dim() < 3 || images01.shape[channelDim] != Channels)
            throw new ArgumentException($"expected images [B, {Channels}, H, W] or [{Channels}, H, W], got [{string.Join(", ", images01.shape)}]");
        var shape = Enumerable.Repeat(1L, (int)images01.dim()).ToArray();
        shape[channelDim] = Channels;
        var mean = tensor(Mean, device: images01.device).reshape(shape);
        var std = tensor(Std, device: images01.device).reshape(shape);
        return images01.sub(mean).div_(std).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel mean and std of uint8 images [N, C, H, W] (values 0–255), in [0, 1] units.</summary>
    public static Normalization Measure(Tensor imagesUint8)
    {
        using var scope = NewDisposeScope();
        var images01 = imagesUint8.to_type(ScalarType.Float64).div_(255.0);
        var mean = images01.mean([0L, 2L, 3L]);
        var std = images01.std([0L, 2L, 3L]);
        var meanValues = mean.to_type(ScalarType.Float32).data<float>().ToArray();
        // A constant channel would divide by zero; leave such a channel unscaled.
        var stdValues = std.to_type(ScalarType.Float32).data<float>().Select(s => s > 1e-6f ? s : 1f).ToArray();
        return new Normalization(meanValues, stdValues);
    }
}
