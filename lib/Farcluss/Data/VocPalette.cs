namespace Farcluss.Data;

/// <summary>
/// Pascal VOC's colour map and class names. VOC stores masks as palette PNGs whose palette is
/// this colour map: class i is drawn in colour i, made by spreading the bits of i over the high
/// bits of R, G and B (bit 0 → R, bit 1 → G, bit 2 → B, then the next three bits one place lower,
/// and so on). The map is one-to-one, so a colour gives its index back. Index 255 (void, the
/// ignore label) is (224, 224, 192). Taught in notebook 09.
/// </summary>
public static class VocPalette
{
    /// <summary>VOC 2012's 21 classes, index = class id.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];

    /// <summary>The colour of index <paramref name="index"/> (0–255).</summary>
    public static (byte R, byte G, byte B) Color(int index)
    {
        int r = 0, g = 0, b = 0, bits = index;
        for (int shift = 7; shift >= 0; shift--)
        {
            r |= (bits & 1) << shift;
            g |= ((bits >> 1) & 1) << shift;
            b |= ((bits >> 2) & 1) << shift;
            bits >>= 3;
        }
        return ((byte)r, (byte)g, (byte)b);
    }

    /// <summary>All 256 colours as a PNG-style palette: R, G, B of index 0, then of index 1, ...</summary>
    public static byte[] Colormap { get; } = Enumerable.Range(0, 256)
        .SelectMany(i => { var (r, g, b) = Color(i); return new[] { r, g, b }; }).ToArray();
}
