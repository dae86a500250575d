using Farcluss.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Farcluss.Tests.Data;

/// <summary>Cityscapes' label ids → 19 train ids, and its folder layout read through a UniMatch-style list.</summary>
public class CityscapesLayoutTests
{
    static CityscapesLayoutTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    const string Stem = "aachen_000000_000019";
    const int W = 8, H = 6;

    [Fact]
    public void LabelIdsMapToTrainIdsAsCityscapesScriptsLabelsPy()
    {
        var table = CityscapesLabels.TrainIdOfLabelId;
        // road 7 → 0, sidewalk 8 → 1, building 11 → 2, pole 17 → 5, sky 23 → 10, car 26 → 13, train 31 → 16, bicycle 33 → 18.
        Assert.Equal(new byte[] { 0, 1, 2, 5, 10, 13, 16, 18 }, new[] { 7, 8, 11, 17, 23, 26, 31, 33 }.Select(id => table[id]).ToArray());
        // unlabeled 0, ego vehicle 1, ground 6, parking 9, rail track 10, guard rail 14, bridge 15, tunnel 16, polegroup 18,
        // caravan 29, trailer 30 are not evaluated; 34…254 do not exist; 255 (license plate's −1 as a byte) stays void.
        foreach (var id in new[] { 0, 1, 6, 9, 10, 14, 15, 16, 18, 29, 30, 34, 100, 254, 255 }) Assert.Equal(255, table[id]);
        Assert.Equal(Enumerable.Range(0, 19).Select(i => (byte)i), table.Where(t => t != 255).Order());
        Assert.Equal(19, CityscapesLabels.ClassNames.Count);
        Assert.Equal("motorcycle", CityscapesLabels.ClassNames[17]);
    }

    /// <summary>One train image (an RGB PNG, as Cityscapes ships) and its labelIds mask:
    /// row 0 road (7), row 1 car (26), row 2 parking (9 → 255), rows 3–5 sky (23), except (x 0, y 5) = bicycle (33).</summary>
    static TempDirectory MakeCityscapes()
    {
        var dir = new TempDirectory();
        var images = Directory.CreateDirectory(dir.File("leftImg8bit/train/aachen")).FullName;
        var masks = Directory.CreateDirectory(dir.File("gtFine/train/aachen")).FullName;
        using (var image = new Image<Rgb24>(W, H, new Rgb24(10, 20, 30))) image.SaveAsPng(Path.Combine(images, $"{Stem}_leftImg8bit.png"));
        using (var mask = new Image<L8>(W, H))
        {
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    mask[x, y] = new L8((byte)(y switch { 0 => 7, 1 => 26, 2 => 9, _ => x == 0 && y == 5 ? 33 : 23 }));
            mask.SaveAsPng(Path.Combine(masks, $"{Stem}{CityscapesLayout.LabelIdsSuffix}"));
        }
        File.WriteAllText(dir.File("labeled.txt"),
            $"leftImg8bit/train/aachen/{Stem}_leftImg8bit.png gtFine/train/aachen/{Stem}_gtFine_labelTrainIds.png");
        return dir;
    }

    [Fact]
    public void PrepareWritesTrainIdMasksThatTheLayoutLoads()
    {
        using var dir = MakeCityscapes();
        var before = Assert.Throws<KitException>(() => CityscapesLayout.Open(dir.Path, dir.File("labeled.txt")));
        Assert.Contains("run `farcluss data prepare-cityscapes", before.Message);

        Assert.Equal(1, CityscapesLayout.Prepare(dir.Path));
        Assert.Equal(1, CityscapesLayout.Prepare(dir.Path)); // rerunnable
        Assert.Empty(Directory.GetFiles(dir.File("gtFine"), "*.tmp", SearchOption.AllDirectories));

        var dataset = CityscapesLayout.Open(dir.Path, dir.File("labeled.txt"));
        Assert.Equal(19, dataset.NumClasses);
        var (image, mask) = dataset.LoadSample(0);
        using (image) using (mask)
        {
            Assert.Equal(new long[] { 3, H, W }, image.shape);
            Assert.Equal(30 / 255.0, image[2, 3, 3].item<float>(), 1e-6); // PNG: lossless
            Assert.Equal(new long[] { 0, 13, 255, 10, 10, 18 }, Enumerable.Range(0, H).Select(y => mask[y, 0].item<long>()).ToArray());
            Assert.Equal(10, mask[5, 1].item<long>());
            Assert.Equal(3 * W - 1, mask.eq(10).sum().item<long>()); // 3 sky rows but the bicycle pixel
        }
    }

    [Fact]
    public void NotACityscapesRootIsAClearError()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("leftImg8bit"));
        var open = Assert.Throws<KitException>(() => CityscapesLayout.Open(dir.Path, dir.File("labeled.txt")));
        Assert.Equal(dir.Path, open.FilePath);
        Assert.Contains("no gtFine/ folder", open.Message);
        Directory.CreateDirectory(dir.File("gtFine"));
        Assert.Contains("holds no *_gtFine_labelIds.png masks", Assert.Throws<KitException>(() => CityscapesLayout.Prepare(dir.Path)).Message);
    }
}
