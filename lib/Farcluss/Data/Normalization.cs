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

    /// <summary>Per-channel mean and (sample) std of uint8 images [N, C, H, W] (values 0–255), in [0, 1] units.
    /// Computed exactly from a 256-bin histogram per channel, which avoids a float copy of the whole dataset.</summary>
    public static Normalization Measure(Tensor imagesUint8)
    {
        if (imagesUint8.dtype != ScalarType.Byte || imagesUint8.dim() != 4)
            throw new ArgumentException("Measure expects uint8 images [N, C, H, W]");
        using var scope = NewDisposeScope();
        int channels = (int)imagesUint8.shape[1];
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            var counts = imagesUint8.select(1, c).reshape(-1).bincount(null, 256).data<long>().ToArray();
            double n = counts.Sum();
            double m = Enumerable.Range(0, 256).Sum(v => v * (double)counts[v]) / n;
            double variance = Enumerable.Range(0, 256).Sum(v => (v - m) * (v - m) * counts[v]) / Math.Max(n - 1, 1);
            mean[c] = (float)(m / 255);
            // A constant channel would divide by zero; leave such a channel unscaled.
            std[c] = variance > 1e-12 ? (float)(Math.Sqrt(variance) / 255) : 1f;
        }
        return new Normalization(mean, std);
    }
}
