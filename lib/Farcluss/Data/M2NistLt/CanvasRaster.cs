namespace Farcluss.Data;

/// <summary>
/// The pixel work of the M2NIST-LT recipe (<see cref="M2NistLt"/>) on plain byte rasters, no tensors: a digit resized,
/// pasted onto a canvas (the brighter pixel wins and keeps its digit class), and each pixel labeled by intensity.
/// </summary>
public static class CanvasRaster
{
    /// <summary>Bilinear resize of a square greyscale image, sampling at pixel centres
    /// (PyTorch's <c>interpolate(mode: bilinear, align_corners: false)</c> without antialiasing).</summary>
    public static byte[] ResizeBilinear(ReadOnlySpan<byte> source, int sourceSide, int targetSide)
    {
        var target = new byte[targetSide * targetSide];
        double scale = (double)sourceSide / targetSide;
        for (int y = 0; y < targetSide; y++)
        {
            var (y0, y1, wy) = SourceTaps(y, scale, sourceSide);
            for (int x = 0; x < targetSide; x++)
            {
                var (x0, x1, wx) = SourceTaps(x, scale, sourceSide);
                double top = source[y0 * sourceSide + x0] * (1 - wx) + source[y0 * sourceSide + x1] * wx;
                double bottom = source[y1 * sourceSide + x0] * (1 - wx) + source[y1 * sourceSide + x1] * wx;
                target[y * targetSide + x] = (byte)Math.Clamp(Math.Round(top * (1 - wy) + bottom * wy), 0, 255);
            }
        }
        return target;
    }

    static (int Low, int High, double Weight) SourceTaps(int targetIndex, double scale, int sourceSide)
    {
        double at = Math.Max((targetIndex + 0.5) * scale - 0.5, 0);
        int low = Math.Min((int)at, sourceSide - 1);
        return (low, Math.Min(low + 1, sourceSide - 1), at - low);
    }

    /// <summary>
    /// Pastes a square digit at (top, left) of a square canvas. Where digits overlap the brighter
    /// pixel wins, and <paramref name="owner"/> records which digit class it came from, so the label
    /// follows what is visible. On a tie the digit pasted first keeps the pixel.
    /// </summary>
    public static void PasteDigit(Span<byte> canvas, Span<byte> owner, int canvasSide,
                                  ReadOnlySpan<byte> digit, int digitSide, int top, int left, byte digitClass)
    {
        if (top < 0 || left < 0 || top + digitSide > canvasSide || left + digitSide > canvasSide)
            throw new ArgumentOutOfRangeException(nameof(top), "the digit must lie fully inside the canvas");
        for (int y = 0; y < digitSide; y++)
        {
            var digitRow = digit.Slice(y * digitSide, digitSide);
            int rowStart = (top + y) * canvasSide + left;
            for (int x = 0; x < digitSide; x++)
            {
                if (digitRow[x] <= canvas[rowStart + x]) continue;
                canvas[rowStart + x] = digitRow[x];
                owner[rowStart + x] = digitClass;
            }
        }
    }

    /// <summary>Per-pixel label: intensity ≥ foreground → owner digit + 1; &lt; background → 0;
    /// in between (a stroke's soft rim, neither clearly digit nor clearly background) → 255, ignored.</summary>
    public static void LabelPixels(ReadOnlySpan<byte> canvas, ReadOnlySpan<byte> owner, Span<byte> mask,
                                   int foregroundThreshold = 128, int backgroundThreshold = 32)
    {
        for (int i = 0; i < canvas.Length; i++)
            mask[i] = canvas[i] >= foregroundThreshold ? (byte)(owner[i] + 1)
                    : canvas[i] < backgroundThreshold ? (byte)0
                    : (byte)Labels.Ignore;
    }
}
