using Farcluss.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Data;

public class VocFolderDatasetTests
{
    static VocFolderDatasetTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    const int W = 12, H = 10;

    /// <summary>Sample "a": a flat-colour JPEG and a palette mask in VOC colours: the left 6 columns are
    /// class 0, the right 6 class 15 (person), and row 9 is void (255). Sample "b": the same JPEG and an
    /// 8-bit greyscale mask holding 3 everywhere except (x 1, y 2) = 7 and (x 0, y 0) = 255.</summary>
    static TempDirectory MakeDataset()
    {
        var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("JPEGImages"));
        Directory.CreateDirectory(dir.File("SegmentationClass"));
        using (var image = new Image<Rgb24>(W, H, new Rgb24(200, 100, 50)))
        {
            image.SaveAsJpeg(dir.File("JPEGImages/a.jpg"));
            image.SaveAsJpeg(dir.File("JPEGImages/b.jpg"));
        }
        SavePaletteMask(dir.File("SegmentationClass/a.png"), W, H, (x, y) => y == 9 ? 255 : x < 6 ? 0 : 15);
        using (var grey = new Image<L8>(W, H, new L8(3)))
        {
            grey[1, 2] = new L8(7);
            grey[0, 0] = new L8(255);
            grey.SaveAsPng(dir.File("SegmentationClass/b.png"));
        }
        File.WriteAllText(dir.File("ids.txt"), "a\n\nb\n");
        return dir;
    }

    /// <summary>A palette PNG whose palette is VOC's colour map, so palette index = class, as in VOC's own files.</summary>
    static void SavePaletteMask(string path, int width, int height, Func<int, int, int> classAt)
    {
        using var mask = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = VocPalette.Color(classAt(x, y));
                mask[x, y] = new Rgb24(r, g, b);
            }
        var palette = Enumerable.Range(0, 256).Select(i => { var (r, g, b) = VocPalette.Color(i); return Color.FromRgb(r, g, b); }).ToArray();
        mask.SaveAsPng(path, new PngEncoder
        {
            ColorType = PngColorType.Palette,
            BitDepth = PngBitDepth.Bit8,
            Quantizer = new PaletteQuantizer(palette, new QuantizerOptions { Dither = null }),
        });
    }

    [Fact]
    public void VocColourMapByHand()
    {
        // index 1 = bit 0 → R bit 7 → (128, 0, 0); 15 = 0b1111: bits 0,1,2 → (128,128,128), bit 3 → R bit 6 → (192, 128, 128);
        // 255: all bits → R = 0b11100000 | … : (224, 224, 192), VOC's void colour.
        Assert.Equal(((byte)128, (byte)0, (byte)0), VocPalette.Color(1));
        Assert.Equal(((byte)192, (byte)128, (byte)128), VocPalette.Color(15));
        Assert.Equal(((byte)224, (byte)224, (byte)192), VocPalette.Color(255));
        Assert.Equal(256, Enumerable.Range(0, 256).Select(VocPalette.Color).Distinct().Count()); // one-to-one
    }

    [Fact]
    public void LoadsPaletteAndGreyscaleMasksAsIndices()
    {
        using var dir = MakeDataset();
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("ids.txt"));
        Assert.Equal(2, dataset.Count);
        Assert.Equal(21, dataset.NumClasses);

        var (image, mask) = dataset.LoadSample(0);
        using (image) using (mask)
        {
            Assert.Equal(new long[] { 3, H, W }, image.shape);
            Assert.Equal(ScalarType.Int64, mask.dtype);
            // A flat colour survives JPEG almost exactly: 200/255 = 0.784, 100/255 = 0.392, 50/255 = 0.196.
            Assert.Equal(200 / 255.0, image[0, 5, 5].item<float>(), 0.02);
            Assert.Equal(50 / 255.0, image[2, 0, 0].item<float>(), 0.02);
            Assert.Equal(0, mask[0, 0].item<long>());
            Assert.Equal(15, mask[0, 11].item<long>());
            Assert.Equal(255, mask[9, 3].item<long>());
            Assert.Equal(6 * 9, mask.eq(15).sum().item<long>()); // 6 columns × 9 non-void rows
        }
        var (_, greyMask) = dataset.LoadSample(1);
        using (greyMask)
        {
            Assert.Equal(7, greyMask[2, 1].item<long>());
            Assert.Equal(255, greyMask[0, 0].item<long>());
            Assert.Equal(W * H - 2, greyMask.eq(3).sum().item<long>());
        }
    }

    [Fact]
    public void TwoPathSplitLinesAndRgbMasksInVocColours()
    {
        using var dir = MakeDataset();
        using (var rgbMask = new Image<Rgb24>(W, H, new Rgb24(128, 0, 0))) // class 1 everywhere
            rgbMask.SaveAsPng(dir.File("SegmentationClass/rgb.png"));
        File.WriteAllText(dir.File("pairs.txt"), "JPEGImages/a.jpg SegmentationClass/rgb.png\r\n");
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("pairs.txt"));
        var (image, mask) = dataset.LoadSample(0);
        using (image) using (mask) Assert.Equal(W * H, mask.eq(1).sum().item<long>());
    }

    [Fact]
    public void SplitListErrorsNameTheListAndLine()
    {
        using var dir = MakeDataset();
        string Fails(string content)
        {
            File.WriteAllText(dir.File("split.txt"), content);
            var e = Assert.Throws<KitException>(() => VocFolderDataset.Open(dir.Path, dir.File("split.txt")));
            Assert.Equal(dir.File("split.txt"), e.FilePath);
            return e.Message;
        }
        Assert.Contains("line 2: file 'JPEGImages/missing.jpg' does not exist", Fails("a\nmissing\n"));
        Assert.Contains("split list is empty", Fails("\n  \n"));
        Assert.Contains("points outside the dataset root", Fails("../escape.jpg SegmentationClass/a.png\n"));
        Assert.Contains("points outside the dataset root", Fails("JPEGImages/../../x.jpg SegmentationClass/a.png\n"));
        Assert.Contains("is an absolute path", Fails("/etc/hostname SegmentationClass/a.png\n"));
        Assert.Contains("line 1: expected an id or 'image_path mask_path', got 3 fields", Fails("a b c\n"));
        Assert.Contains("not found", Assert.Throws<KitException>(() => VocFolderDataset.Open(dir.Path, dir.File("nope.txt"))).Message);
    }

    [Fact]
    public void SampleErrorsNameTheFile()
    {
        using var dir = MakeDataset();
        File.WriteAllText(dir.File("ids.txt"), "a\n");
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("ids.txt"));
        KitException Fails() => Assert.Throws<KitException>(() => dataset.LoadSample(0));
        var jpeg = File.ReadAllBytes(dir.File("JPEGImages/a.jpg"));
        var png = File.ReadAllBytes(dir.File("SegmentationClass/a.png"));

        File.WriteAllText(dir.File("JPEGImages/a.jpg"), "this is not an image");
        Assert.Contains("not a PNG or JPEG", Fails().Message);

        File.WriteAllBytes(dir.File("JPEGImages/a.jpg"), jpeg[..(jpeg.Length * 3 / 4)]);
        var truncated = Fails();
        Assert.Equal(dir.File("JPEGImages/a.jpg"), truncated.FilePath);

        File.WriteAllBytes(dir.File("JPEGImages/a.jpg"), jpeg);
        File.WriteAllBytes(dir.File("SegmentationClass/a.png"), png[..^12]); // IEND cut off
        Assert.Contains("truncated PNG", Fails().Message);

        SavePaletteMask(dir.File("SegmentationClass/a.png"), W + 1, H, (_, _) => 0);
        var sizeError = Fails();
        Assert.Equal(dir.File("SegmentationClass/a.png"), sizeError.FilePath);
        Assert.Contains("mask is 13×10 but its image a.jpg is 12×10", sizeError.Message);

        SavePaletteMask(dir.File("SegmentationClass/a.png"), W, H, (x, _) => x == 4 ? 21 : 0); // 21 ≥ 21 classes, not 255
        Assert.Contains("mask value 21 is neither a class (< 21) nor ignore (255)", Fails().Message);

        using (var wide = new Image<L16>(W, H)) wide.SaveAsPng(dir.File("SegmentationClass/a.png"));
        Assert.Contains("unsupported mask PNG", Fails().Message);

        File.Copy(dir.File("JPEGImages/b.jpg"), dir.File("SegmentationClass/a.png"), overwrite: true);
        Assert.Contains("a mask must be a PNG", Fails().Message);
    }

    [Fact]
    public void HeaderDeclaringTooManyPixelsIsRefusedBeforeDecoding()
    {
        using var dir = MakeDataset();
        var jpeg = File.ReadAllBytes(dir.File("JPEGImages/a.jpg"));
        // The baseline frame header FF C0: length(2) precision(1) height(2) width(2). Declare 10000×10000 = 10^8 pixels.
        int sof = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        jpeg[sof + 5] = 10000 >> 8; jpeg[sof + 6] = 10000 & 255;
        jpeg[sof + 7] = 10000 >> 8; jpeg[sof + 8] = 10000 & 255;
        File.WriteAllBytes(dir.File("JPEGImages/a.jpg"), jpeg);
        var e = Assert.Throws<KitException>(() => SafeImageReader.ReadImage(dir.File("JPEGImages/a.jpg")));
        Assert.Contains("10000×10000 pixels, more than the 50000000-pixel limit", e.Message);
    }

    [Fact]
    public void RandomCropOrPadPadsWithIgnoreAndKeepsImageAndMaskAligned()
    {
        // A 2×3 sample padded to 4×4: the original sits top-left (no room to move), the rest is image 0 / mask 255.
        using var image = arange(1, 7, ScalarType.Float32).reshape(1, 2, 3);
        using var mask = arange(1, 7, ScalarType.Int64).reshape(2, 3);
        var (paddedImage, paddedMask) = VocFolderDataset.RandomCropOrPad(image, mask, 4, new Generator(0));
        using (paddedImage) using (paddedMask)
        {
            Assert.Equal(new float[] { 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, paddedImage.data<float>().ToArray());
            Assert.Equal(new long[] { 1, 2, 3, 255, 4, 5, 6, 255, 255, 255, 255, 255, 255, 255, 255, 255 }, paddedMask.data<long>().ToArray());
        }

        // A 9×9 sample whose image equals its mask: every crop must keep them equal, and offsets must vary.
        using var big = arange(81, ScalarType.Int64).reshape(9, 9);
        using var bigImage = big.to_type(ScalarType.Float32).unsqueeze(0);
        var generator = new Generator(7);
        var corners = new HashSet<long>();
        for (int i = 0; i < 20; i++)
        {
            var (imageCrop, maskCrop) = VocFolderDataset.RandomCropOrPad(bigImage, big, 4, generator);
            using (imageCrop) using (maskCrop)
            {
                Assert.True(imageCrop[0].to_type(ScalarType.Int64).eq(maskCrop).all().item<bool>());
                Assert.Equal(1, (maskCrop[0, 1] - maskCrop[0, 0]).item<long>()); // a contiguous window
                corners.Add(maskCrop[0, 0].item<long>());
            }
        }
        Assert.True(corners.Count > 5);
    }

    [Fact]
    public void LoadBatchStacksCrops()
    {
        using var dir = MakeDataset();
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("ids.txt"));
        var (images, masks) = dataset.LoadBatch([0, 1], cropSize: 16, new Generator(1));
        using (images) using (masks)
        {
            Assert.Equal(new long[] { 2, 3, 16, 16 }, images.shape);
            Assert.Equal(new long[] { 2, 16, 16 }, masks.shape);
            // 16×16 crop of a 12×10 sample: 256 − 120 = 136 padded pixels per sample, plus sample a's void row (12).
            Assert.Equal(136 + 12 + 136 + 1, masks.eq(255).sum().item<long>());
        }
    }
}
