using CsCheck;
using Farcluss.Data;
using Farcluss.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 5's property test for the mask loader (the IDX reader has its own in the data tests):
/// random damage to a valid mask PNG (bit flips, cuts, inserted bytes, in palette and greyscale
/// files) must either load as a mask that fits its image and holds only classes or 255, or raise
/// the kit's error naming the mask file; never another exception (from ImageSharp, zlib, TorchSharp).
/// </summary>
public class MaskLoaderPropertyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static MaskLoaderPropertyTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    const int W = 12, H = 10, Cases = 3000;

    enum Damage { FlipBit, Truncate, Insert }

    sealed record Mutation(bool Palette, Damage Damage, int Position, int Bit, byte[] Inserted)
    {
        public override string ToString() =>
            $"{(Palette ? "palette" : "grey")} {Damage} at {Position} bit {Bit} insert [{string.Join(",", Inserted)}]";
    }

    static readonly Gen<Mutation> Mutations =
        from palette in Gen.Bool
        from damage in Gen.Enum<Damage>()
        from position in Gen.Int[0, 4000]
        from bit in Gen.Int[0, 7]
        from inserted in Gen.Byte.Array[1, 8]
        select new Mutation(palette, damage, position, bit, inserted);

    /// <summary>Palette mask: class 0 left, 15 right, row 9 void (255), in VOC's palette. Grey mask: 3, with one 7 and one 255.</summary>
    static (byte[] Palette, byte[] Grey) ValidMasks()
    {
        using var rgb = new Image<Rgb24>(W, H);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                var (r, g, b) = VocPalette.Color(y == 9 ? 255 : x < 6 ? 0 : 15);
                rgb[x, y] = new Rgb24(r, g, b);
            }
        var colours = Enumerable.Range(0, 256).Select(i => { var (r, g, b) = VocPalette.Color(i); return Color.FromRgb(r, g, b); }).ToArray();
        using var palette = new MemoryStream();
        rgb.SaveAsPng(palette, new PngEncoder
        {
            ColorType = PngColorType.Palette, BitDepth = PngBitDepth.Bit8,
            Quantizer = new PaletteQuantizer(colours, new QuantizerOptions { Dither = null }),
        });
        using var grey = new Image<L8>(W, H, new L8(3));
        grey[1, 2] = new L8(7);
        grey[0, 0] = new L8(255);
        using var greyStream = new MemoryStream();
        grey.SaveAsPng(greyStream);
        return (palette.ToArray(), greyStream.ToArray());
    }

    static byte[] Apply(Mutation m, byte[] file)
    {
        int at = m.Position % (file.Length + (m.Damage == Damage.Insert ? 1 : 0));
        switch (m.Damage)
        {
            case Damage.FlipBit:
                var copy = (byte[])file.Clone();
                copy[at] ^= (byte)(1 << m.Bit);
                return copy;
            case Damage.Truncate: return file[..at];
            default: return [.. file[..at], .. m.Inserted, .. file[at..]];
        }
    }

    [Fact]
    public void EveryDamagedMaskLoadsConsistentlyOrThrowsKitException()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("JPEGImages"));
        Directory.CreateDirectory(dir.File("SegmentationClass"));
        using (var image = new Image<Rgb24>(W, H, new Rgb24(200, 100, 50))) image.SaveAsJpeg(dir.File("JPEGImages/a.jpg"));
        var (palette, grey) = ValidMasks();
        var maskPath = dir.File("SegmentationClass/a.png");
        File.WriteAllBytes(maskPath, palette);
        File.WriteAllText(dir.File("ids.txt"), "a\n");
        var dataset = VocFolderDataset.Open(dir.Path, dir.File("ids.txt"));

        int loaded = 0, refused = 0;
        // One thread: every case rewrites the same mask file.
        Mutations.Sample(m =>
        {
            File.WriteAllBytes(maskPath, Apply(m, m.Palette ? palette : grey));
            try
            {
                using var scope = NewDisposeScope();
                var (_, mask) = dataset.LoadSample(0);
                Assert.Equal(new long[] { H, W }, mask.shape);
                Assert.True(mask.lt(21).logical_or(mask.eq(255)).all().item<bool>(), "a mask value is neither a class nor 255");
                loaded++;
            }
            catch (KitException e)
            {
                Assert.Equal(maskPath, e.FilePath);
                refused++;
            }
        }, iter: Cases, threads: 1);
        // Both outcomes must happen, or the mutations are not testing anything. Most damage is refused
        // (PNG has chunk CRCs and must end with IEND); about 4% loads (damage the decoder tolerates, mostly
        // bit flips; measured 128 of 3000), and each of those was checked above, so 30 is a safe floor.
        Assert.True(loaded > 30 && refused > 1000, $"loaded {loaded}, refused {refused}");
        Assert.Equal(Cases, loaded + refused);
        output.WriteLine($"{Cases} damaged masks: {loaded} loaded, {refused} refused with KitException");
    }
}
