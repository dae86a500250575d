using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// Argument checks shared by the loss building blocks. A wrong shape is a bug in the calling
/// code, not a bad user setting, so these throw <see cref="ArgumentException"/> with the
/// expected layout in the message; reading a shape never touches the tensor's data.
/// </summary>
internal static class Shapes
{
    public static void RequireRank(Tensor t, int rank, string name, string layout)
    {
        if (t.dim() != rank)
            throw new ArgumentException($"{name} must be {layout}, got shape [{string.Join(", ", t.shape)}]", name);
    }

    public static void RequireSameShape(Tensor a, Tensor b, string nameA, string nameB)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException(
                $"{nameA} [{string.Join(", ", a.shape)}] and {nameB} [{string.Join(", ", b.shape)}] must have the same shape", nameB);
    }

    /// <summary>Checks that <paramref name="pixelMap"/> is [B, H, W] matching a [B, C, H, W] tensor.</summary>
    public static void RequirePixelMap(Tensor pixelMap, Tensor perClass, string name, string perClassName)
    {
        var s = perClass.shape;
        var m = pixelMap.shape;
        if (m.Length != 3 || m[0] != s[0] || m[1] != s[2] || m[2] != s[3])
            throw new ArgumentException(
                $"{name} must be [B, H, W] = [{s[0]}, {s[2]}, {s[3]}] to match {perClassName}, got [{string.Join(", ", m)}]", name);
    }

    public static void RequireBool(Tensor t, string name)
    {
        if (t.dtype != ScalarType.Bool)
            throw new ArgumentException($"{name} must be a bool tensor, got {t.dtype}", name);
    }

    /// <summary>Whether a tensor lives on a device (CPU ignores the index).</summary>
    public static bool IsOn(Tensor t, Device device)
        => t.device_type == device.type && (device.type == DeviceType.CPU || t.device_index == device.index);
}
