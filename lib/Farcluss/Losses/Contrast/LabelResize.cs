using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Losses;

/// <summary>
/// Label maps brought to the resolution of the decoder features by nearest neighbour (METHOD.md §4),
/// so that every feature pixel has one label (255 stays 255, nothing is blended). Used by the confident
/// set of the contrastive terms and by the feature charts of lesson 06.
/// </summary>
public static class LabelResize
{
    /// <summary>Labels int64 [B, H, W] → int64 [B, h, w].</summary>
    public static Tensor Nearest(Tensor labels, long height, long width) =>
        F.interpolate(labels.unsqueeze(1).to_type(ScalarType.Float32), new[] { height, width }, mode: InterpolationMode.Nearest)
            .squeeze(1).to_type(ScalarType.Int64);

    /// <summary>A float map [B, H, W] (a confidence) → [B, h, w], by the same nearest rule.</summary>
    public static Tensor NearestMap(Tensor map, long height, long width) =>
        F.interpolate(map.unsqueeze(1), new[] { height, width }, mode: InterpolationMode.Nearest).squeeze(1);
}
