using Farcluss.Data;

namespace Farcluss.Tests.Data;

public class IdxReaderTests
{
    // Two 2×3 images whose pixel i (counted across both images) is 10·i: image 0 is 0..50, image 1 is 60..110.
    static readonly byte[] TwoImages = IdxBytes.Images(2, 2, 3, i => (byte)(10 * i));
    static readonly byte[] TwoLabels = IdxBytes.Labels([3, 7]);

    [Fact]
    public void ReadsAGoodRawPair()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("img"), TwoImages);
        File.WriteAllBytes(dir.File("lbl"), TwoLabels);

        var (images, labels) = IdxReader.LoadPair(dir.File("img"), dir.File("lbl"));

        Assert.Equal((2, 2, 3), (images.Count, images.Rows, images.Cols));
        Assert.Equal(6, images.ImageSize);
        Assert.Equal(50, images.Pixels[5]);           // pixel 5 = 10·5
        Assert.Equal(60, images.Image(1)[0]);         // first pixel of image 1 is pixel 6 overall = 60
        Assert.Equal(new byte[] { 3, 7 }, labels);
    }

    [Fact]
    public void DetectsGzipByContentNotByName()
    {
        using var dir = new TempDirectory();
        // A gzip file without .gz and a raw file with .gz: both must read the same.
        File.WriteAllBytes(dir.File("img-compressed"), IdxBytes.Gzip(TwoImages));
        File.WriteAllBytes(dir.File("lbl.gz"), TwoLabels);

        var (images, labels) = IdxReader.LoadPair(dir.File("img-compressed"), dir.File("lbl.gz"));

        Assert.Equal(TwoImages[16..], images.Pixels);
        Assert.Equal(new byte[] { 3, 7 }, labels);
    }

    [Fact]
    public void BadMagicNamesFileAndNumbers()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("labels-as-images"), TwoLabels);
        var e = Assert.Throws<KitException>(() => IdxReader.ReadImages(dir.File("labels-as-images")));
        Assert.Equal(dir.File("labels-as-images"), e.FilePath);
        Assert.Contains("magic number is 2049, expected 2051", e.Message);
    }

    [Fact]
    public void TruncatedRawFileIsAnError()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("img"), TwoImages[..^1]);
        var e = Assert.Throws<KitException>(() => IdxReader.ReadImages(dir.File("img")));
        // 2·2·3 = 12 data bytes declared, 11 present.
        Assert.Contains("truncated: the header declares 12 data bytes but only 11 follow it", e.Message);
        Assert.Equal(dir.File("img"), e.FilePath);
    }

    [Fact]
    public void TrailingBytesAreAnError()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("lbl"), [.. TwoLabels, 0, 0]);
        var e = Assert.Throws<KitException>(() => IdxReader.ReadLabels(dir.File("lbl")));
        Assert.Contains("2 unexpected trailing bytes", e.Message);
    }

    [Fact]
    public void TruncatedAndTrailingGzipAreErrors()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("short.gz"), IdxBytes.Gzip(TwoImages[..^2]));
        File.WriteAllBytes(dir.File("long.gz"), IdxBytes.Gzip([.. TwoImages, 9]));
        File.WriteAllBytes(dir.File("cut.gz"), IdxBytes.Gzip(TwoImages)[..^5]); // the gzip stream itself is cut
        Assert.Contains("truncated", Assert.Throws<KitException>(() => IdxReader.ReadImages(dir.File("short.gz"))).Message);
        Assert.Contains("trailing", Assert.Throws<KitException>(() => IdxReader.ReadImages(dir.File("long.gz"))).Message);
        Assert.Equal(dir.File("cut.gz"), Assert.Throws<KitException>(() => IdxReader.ReadImages(dir.File("cut.gz"))).FilePath);
    }

    [Fact]
    public void CountMismatchBetweenImagesAndLabels()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("img"), TwoImages);
        File.WriteAllBytes(dir.File("lbl"), IdxBytes.Labels([1, 2, 3]));
        var e = Assert.Throws<KitException>(() => IdxReader.LoadPair(dir.File("img"), dir.File("lbl")));
        Assert.Contains("holds 2 images but its label file", e.Message);
        Assert.Contains("3 labels", e.Message);
    }

    [Fact]
    public void HugeDeclaredSizeIsRefusedBeforeAllocating()
    {
        // 2^31−1 images of 28×28 would be ~1.7 TB; the header alone must be refused.
        var header = IdxBytes.Images(0, 28, 28, _ => 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), int.MaxValue);
        var e = Assert.Throws<KitException>(() => IdxReader.ReadImages(new MemoryStream(IdxBytes.Gzip(header)), "huge.gz"));
        Assert.Contains("limit", e.Message);
    }

    [Fact]
    public void NegativeOrZeroDimensionsAreRefused()
    {
        var zeroRows = IdxBytes.Images(1, 0, 3, _ => 0);
        Assert.Contains("invalid image dimensions",
            Assert.Throws<KitException>(() => IdxReader.ReadImages(new MemoryStream(zeroRows), "z")).Message);
    }

    [Fact]
    public void ShorterThanHeaderAndMissingFile()
    {
        Assert.Contains("shorter than the 8-byte IDX header",
            Assert.Throws<KitException>(() => IdxReader.ReadLabels(new MemoryStream([0, 0, 8, 1]), "tiny")).Message);
        var e = Assert.Throws<KitException>(() => IdxReader.ReadLabels("/nonexistent-farcluss/labels"));
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void MnistFilesLocateNamesTheFetchScript()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<KitException>(() => MnistFiles.Locate(dir.Path));
        Assert.Contains("fetch-mnist.sh", e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);

        // Raw and .gz names both count, in the folder itself or in its mnist/ subfolder.
        var sub = Directory.CreateDirectory(dir.File("mnist")).FullName;
        foreach (var name in MnistFiles.FileNames) File.WriteAllBytes(Path.Combine(sub, name + (name.StartsWith("t10k") ? ".gz" : "")), []);
        var files = MnistFiles.Locate(dir.Path);
        Assert.Equal(Path.Combine(sub, "t10k-labels-idx1-ubyte.gz"), files.TestLabels);
        Assert.Equal(Path.Combine(sub, "train-images-idx3-ubyte"), files.TrainImages);
    }

    [Fact]
    public void MnistDigitsRejectsNonDigitLabels()
    {
        var images = new IdxImages(2, 1, 1, [0, 0]);
        var e = Assert.Throws<KitException>(() => MnistDigits.Create(images, [4, 10], "lbl"));
        Assert.Contains("label 10 at index 1 is not a digit", e.Message);
        Assert.Equal(new[] { 1 }, MnistDigits.Create(images, [4, 9]).IndicesByClass()[9]);
    }
}
