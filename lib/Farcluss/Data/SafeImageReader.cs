using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Farcluss.Data;

/// <summary>
/// Reads user-supplied images and index masks into tensors, defensively. ImageSharp 2.1.13 is the
/// last freely licensed ImageSharp, and crafted-image flaws have been reported for it, so: only the
/// PNG and JPEG decoders are enabled; the header is read first (<c>Image.Identify</c>) and an image
/// declaring more than <see cref="MaxPixels"/> is refused before anything is decoded; files over
/// <see cref="MaxFileBytes"/> are refused unread; a file that does not end where its format says it
/// ends (PNG's IEND chunk, JPEG's EOI marker) is refused as truncated, because ImageSharp otherwise
/// fills a cut-off image with grey and reports success. Every problem is a <see cref="KitException"/>
/// naming the file. Taught in notebook 09.
/// </summary>
public static class SafeImageReader
{
    /// <summary>Largest image accepted, in pixels (width × height): 50 megapixels, about 7000×7000,
    /// far above any segmentation benchmark (VOC ≤ 500×500, Cityscapes 2048×1024).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Largest file accepted, in bytes (256 MiB).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>
    /// The only decoders the kit uses: PNG and JPEG, both ignoring metadata. ImageSharp 2.1.13 is listed as affected
    /// by advisories in its TIFF codec and in ICC profile parsing (fixed only in the split-licensed 4.x): no TIFF
    /// codec is registered here, and with <c>IgnoreMetadata</c> the JPEG decoder skips an APP2 ICC segment unread
    /// (the kit uses pixels only; a profile would not change how it reads them). Tested with a JPEG whose ICC
    /// segment is garbage (tests/Farcluss.Tests/Reliability/ImageDecoderTests.cs).
    /// </summary>
    public static Configuration Decoders { get; } = MakeDecoders();

    static Configuration MakeDecoders()
    {
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule());
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        return configuration;
    }

    static Configuration PngAndJpegOnly => Decoders;
    static readonly byte[] PngEnd = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];

    /// <summary>An RGB image as uint8 [3, H, W].</summary>
    public static Tensor ReadImage(string path)
    {
        var (bytes, _, _) = ReadChecked(path);
        using var scope = NewDisposeScope();
        using var image = Decode<Rgb24>(bytes, path);
        return ToTensor(image, 3).permute(2, 0, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A segmentation mask as its index values, uint8 [H, W]. Accepted encodings: a palette PNG
    /// (the palette indices: decoded to colours, then mapped back through the file's own palette,
    /// the first index winning if a colour repeats, as zero-padded palettes repeat black); an 8-bit
    /// greyscale PNG (the grey values); an RGB PNG drawn in the VOC colour map (mapped back through
    /// <see cref="VocPalette"/>). JPEG masks are refused: lossy compression changes label values.
    /// </summary>
    public static Tensor ReadIndexMask(string path)
    {
        var (bytes, format, info) = ReadChecked(path);
        if (format is not PngFormat)
            throw new KitException($"a mask must be a PNG (lossless); this is a {format.Name}", path);
        var png = info.Metadata.GetPngMetadata();
        using var scope = NewDisposeScope();
        switch (png.ColorType)
        {
            case PngColorType.Palette:
            {
                using var image = Decode<Rgb24>(bytes, path);
                return MapColorsToIndices(ToTensor(image, 3), ReadPngPalette(bytes, path), path).MoveToOuterDisposeScope();
            }
            case PngColorType.Grayscale when png.BitDepth == PngBitDepth.Bit8:
            {
                using var image = Decode<L8>(bytes, path);
                return ToTensor(image, 1).squeeze(-1).MoveToOuterDisposeScope();
            }
            case PngColorType.Rgb or PngColorType.RgbWithAlpha when png.BitDepth == PngBitDepth.Bit8:
            {
                using var image = Decode<Rgb24>(bytes, path);
                return MapColorsToIndices(ToTensor(image, 3), VocPalette.Colormap, path).MoveToOuterDisposeScope();
            }
            default:
                throw new KitException($"unsupported mask PNG ({png.ColorType}, {png.BitDepth}): use a palette PNG or an " +
                                       "8-bit greyscale PNG whose values are class indices", path);
        }
    }

    /// <summary>Width and height from the header alone, after the size checks.</summary>
    public static (int Width, int Height) Identify(string path)
    {
        var (_, _, info) = ReadChecked(path);
        return (info.Width, info.Height);
    }

    static (byte[] Bytes, IImageFormat Format, IImageInfo Info) ReadChecked(string path)
    {
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
                throw new KitException($"file is {length} bytes, more than the {MaxFileBytes}-byte limit for an image", path);
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException e) { throw new KitException("file not found", path, e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new KitException($"cannot read: {e.Message}", path, e); }

        IImageInfo? info;
        IImageFormat? format;
        try { info = Image.Identify(PngAndJpegOnly, new MemoryStream(bytes, writable: false), out format); }
        catch (Exception e) when (e is not OutOfMemoryException) { throw new KitException($"corrupt image header: {e.Message}", path, e); }
        if (info is null || format is null)
            throw new KitException("not a PNG or JPEG image (unrecognised header)", path);
        if (info.Width <= 0 || info.Height <= 0)
            throw new KitException($"invalid image size {info.Width}×{info.Height}", path);
        if ((long)info.Width * info.Height > MaxPixels)
            throw new KitException($"image header declares {info.Width}×{info.Height} pixels, more than the {MaxPixels}-pixel limit", path);
        CheckComplete(bytes, format, path);
        return (bytes, format, info);
    }

    /// <summary>A PNG must end with its IEND chunk, a JPEG with the EOI marker (FF D9; zero padding
    /// after it is tolerated). Anything else is a cut-off download or has data appended.</summary>
    static void CheckComplete(byte[] bytes, IImageFormat format, string path)
    {
        if (format is PngFormat && !bytes.AsSpan().EndsWith(PngEnd))
            throw new KitException("truncated PNG (it does not end with the IEND chunk)", path);
        if (format is JpegFormat)
        {
            int end = bytes.Length;
            while (end > 0 && bytes[end - 1] == 0) end--;
            if (end < 2 || bytes[end - 2] != 0xFF || bytes[end - 1] != 0xD9)
                throw new KitException("truncated JPEG (it does not end with the end-of-image marker FF D9)", path);
        }
    }

    static Image<TPixel> Decode<TPixel>(byte[] bytes, string path) where TPixel : unmanaged, IPixel<TPixel>
    {
        try { return Image.Load<TPixel>(PngAndJpegOnly, new MemoryStream(bytes, writable: false)); }
        catch (Exception e) when (e is not OutOfMemoryException) { throw new KitException($"corrupt image: {e.Message}", path, e); }
    }

    /// <summary>uint8 [H, W, channels] copied from the decoded pixels (Rgb24 and L8 are plain bytes).</summary>
    static Tensor ToTensor<TPixel>(Image<TPixel> image, int channels) where TPixel : unmanaged, IPixel<TPixel>
    {
        var pixels = new TPixel[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        byte[] bytes = MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
        return tensor(bytes, [image.Height, image.Width, channels], ScalarType.Byte);
    }

    /// <summary>The PLTE chunk of a PNG as R, G, B bytes. ImageSharp 2.1 decodes palette images to
    /// colours and does not expose the palette, so the chunk is read from the bytes directly.</summary>
    public static byte[] ReadPngPalette(byte[] png, string path)
    {
        int at = 8; // after the PNG signature
        while (at + 8 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (length > int.MaxValue || at + 12L + length > png.Length) break;
            if (type == "PLTE")
            {
                if (length % 3 != 0 || length == 0 || length > 768)
                    throw new KitException($"invalid PNG palette chunk ({length} bytes)", path);
                return png.AsSpan(at + 8, (int)length).ToArray();
            }
            if (type == "IDAT") break; // PLTE must come before the image data
            at += 12 + (int)length;
        }
        throw new KitException("palette PNG without a readable palette (PLTE) chunk", path);
    }

    /// <summary>Maps each pixel's colour (uint8 [H, W, 3]) to its index in <paramref name="paletteRgb"/>,
    /// on the tensor side: colours become 24-bit keys, looked up with searchsorted in the palette's
    /// sorted keys. A colour missing from the palette is an error naming it.</summary>
    static Tensor MapColorsToIndices(Tensor rgb, byte[] paletteRgb, string path)
    {
        // Key → first palette index with that colour.
        var firstIndex = new SortedDictionary<int, int>();
        for (int i = 0; i < paletteRgb.Length / 3; i++)
            firstIndex.TryAdd(paletteRgb[3 * i] << 16 | paletteRgb[3 * i + 1] << 8 | paletteRgb[3 * i + 2], i);
        var sortedKeys = tensor(firstIndex.Keys.ToArray());
        var indexOfKey = tensor(firstIndex.Values.Select(v => (byte)v).ToArray());

        var wide = rgb.to_type(ScalarType.Int32);
        var keys = wide[.., .., 0].mul(65536).add_(wide[.., .., 1].mul(256)).add_(wide[.., .., 2]);
        var position = searchsorted(sortedKeys, keys).clamp_(max: firstIndex.Count - 1);
        var found = sortedKeys[position].eq(keys);
        if (!found.all().item<bool>())
        {
            var missing = keys.masked_select(found.logical_not())[0].item<int>();
            throw new KitException($"mask colour ({missing >> 16}, {(missing >> 8) & 255}, {missing & 255}) is not in its palette", path);
        }
        return indexOfKey[position];
    }
}
