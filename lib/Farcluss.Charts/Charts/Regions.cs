using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Charts;

/// <summary>
/// Splits labeled pixels into the thin edges of objects and their interiors: a pixel is an edge
/// pixel when its 3×3 neighbourhood (inside the image) holds any other value, including the
/// ignored rim (255) of a digit. Lesson 02 shows that a confidence threshold discards edges first.
/// </summary>
public static class Regions
{
    /// <summary>[B, H, W] bool: valid pixels (not 255) whose 3×3 neighbourhood is not all one value.</summary>
    public static Tensor EdgeMask(Tensor masks)
    {
        using var scope = NewDisposeScope();
        var values = masks.to_type(ScalarType.Float32).unsqueeze(1);
        // max_pool pads with −∞, so a border pixel sees only its neighbours inside the image.
        var highest = F.max_pool2d(values, 3, stride: 1, padding: 1);
        var lowest = -F.max_pool2d(-values, 3, stride: 1, padding: 1);
        var edge = highest.ne(lowest).squeeze(1).logical_and(masks.ne(Labels.Ignore));
        return edge.MoveToOuterDisposeScope();
    }
}
