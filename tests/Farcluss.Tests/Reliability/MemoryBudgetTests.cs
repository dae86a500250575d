using Farcluss.Config;
using Farcluss.Tests.Data;
using Farcluss.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, item 2: memory. Evaluating an image whole over the evaluation budget (or with a window over it) is
/// refused from the image headers before any image is decoded, naming the image, its size and the way on; a canvas
/// side that passes the dataset budget one canvas at a time is refused; an allocation the machine refuses (.NET's
/// OutOfMemoryException, libtorch's allocator) ends the CLI with exit 1 and one line giving the size asked for.
/// </summary>
public class MemoryBudgetTests
{
    static MemoryBudgetTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    /// <summary>A VOC-layout root: a labeled list naming files that are not images (never decoded when the refusal comes
    /// first), and a validation list naming a black <paramref name="side"/>² PNG.</summary>
    static DataSettings FolderWithValidationImage(TempDirectory dir, int side)
    {
        Directory.CreateDirectory(dir.File("voc/JPEGImages"));
        Directory.CreateDirectory(dir.File("voc/SegmentationClass"));
        File.WriteAllText(dir.File("voc/JPEGImages/small.jpg"), "not an image");
        File.WriteAllText(dir.File("voc/SegmentationClass/small.png"), "not an image");
        using (var big = new Image<L8>(side, side)) big.SaveAsPng(dir.File("voc/JPEGImages/big.png"));
        File.Copy(dir.File("voc/JPEGImages/big.png"), dir.File("voc/SegmentationClass/big.png"));
        File.WriteAllText(dir.File("labeled.txt"), "small\n");
        File.WriteAllText(dir.File("val.txt"), "JPEGImages/big.png SegmentationClass/big.png\n");
        return new DataSettings
        {
            Kind = "voc-folder", Root = dir.File("voc"), LabeledSplit = dir.File("labeled.txt"), ValidationSplit = dir.File("val.txt"), CropSize = 8,
        };
    }

    [Fact]
    public void AnImageOverTheEvaluationBudgetIsRefusedFromItsHeaderBeforeAnyDecoding()
    {
        using var dir = new TempDirectory();
        // 2100² = 4,410,000 pixels, over 2048² = 4,194,304.
        var settings = FolderWithValidationImage(dir, 2100);
        var whole = Assert.Throws<KitException>(() => TrainingData.Load(settings));
        Assert.Equal($"{dir.File("voc/JPEGImages/big.png")}: image is 2100×2100 (4.4 megapixels): scoring it whole is one forward pass over " +
                     "more than the 4.2-megapixel budget of evaluation; set data.evaluation.mode to \"sliding\" (windows of data.crop_size) " +
                     "or use smaller images", whole.Message);
        var wideWindow = settings with { Evaluation = new EvaluationSettings { Mode = EvaluationSettings.Sliding, Window = 2100 } };
        Assert.Equal($"{dir.File("voc/JPEGImages/big.png")}: evaluation window 2100×2100 is over the 4.2-megapixel budget of one forward pass; " +
                     "use a smaller data.evaluation.window or data.crop_size", Assert.Throws<KitException>(() => TrainingData.Load(wideWindow)).Message);
        // In windows of the crop (8 pixels) the image is within budget: loading goes on, to the labeled files, which are not images.
        var sliding = settings with { Evaluation = new EvaluationSettings { Mode = EvaluationSettings.Sliding } };
        Assert.Contains("small.jpg: not a PNG or JPEG image", Assert.Throws<KitException>(() => TrainingData.Load(sliding)).Message);
    }

    [Fact]
    public void AnImageTooLargeForTheMachinesMemoryIsOneLineNamingItAndLeavesNoRunFolder()
    {
        // The issue's case: a 7000×7000 PNG (49 megapixels, within the 50-megapixel limit) as the labeled split, on a
        // machine whose memory is smaller than decoding it needs. Here the "machine" is a 128 MiB .NET heap: decoding
        // copies the pixels into a 147 MB array (7000² × 3 bytes), which the heap refuses.
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("voc/JPEGImages"));
        Directory.CreateDirectory(dir.File("voc/SegmentationClass"));
        using (var big = new Image<L8>(7000, 7000)) big.SaveAsPng(dir.File("voc/JPEGImages/big.png"));
        using (var small = new Image<L8>(16, 16)) small.SaveAsPng(dir.File("voc/JPEGImages/small.png"));
        File.Copy(dir.File("voc/JPEGImages/small.png"), dir.File("voc/SegmentationClass/small.png"));
        File.Copy(dir.File("voc/JPEGImages/big.png"), dir.File("voc/SegmentationClass/big.png"));
        File.WriteAllText(dir.File("big.txt"), "JPEGImages/big.png SegmentationClass/big.png\n");
        File.WriteAllText(dir.File("small.txt"), "JPEGImages/small.png SegmentationClass/small.png\n");
        File.WriteAllText(dir.File("voc.json"), $$"""
            { "data": { "kind": "voc-folder", "root": "{{dir.File("voc")}}", "labeled_split": "{{dir.File("big.txt")}}",
                        "validation_split": "{{dir.File("small.txt")}}", "crop_size": 16 }, "labeled_batch": 1, "unlabeled_batch": 1 }
            """);
        var run = CliProcess.Run(dir.Path, 120, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "8000000" },
            "train", "--preset", "smoke", "--config", "voc.json", "--steps", "1", "--device", "cpu", "--out", "run");
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal([$"error: {dir.File("voc/JPEGImages/big.png")}: reading this 7000×7000 image (49.0 megapixels) ran out of memory " +
                      "(an allocation was refused): use smaller images or a machine with more free memory"], CliProcess.ErrorLines(run.Stderr));
        Assert.False(Directory.Exists(dir.File("run")), "the failed train left its run folder");
    }

    [Fact]
    public void ACanvasSideThatPassesTheDatasetBudgetAloneIsRefused()
    {
        // One 32000² canvas: 2 × 32000² = 2,048,000,000 bytes, under the 2 GiB budget; generating it ran out of memory.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.json"), """{ "data": { "m2nist": { "canvas_size": 32000, "train_count": 1, "labeled_fraction": 1, "validation_count": 0, "test_count": 0 } } }""");
        var e = Assert.Throws<KitException>(() => ConfigFile.Load(dir.File("c.json"), Presets.Smoke));
        Assert.Equal($"{dir.File("c.json")}: M2NIST-LT settings: CanvasSize must be at most 2048 (one canvas is one training sample), got 32000", e.Message);
    }

    [Fact]
    public void AnAllocationLibTorchRefusesIsRecognisedWithItsSize()
    {
        // 2⁵⁰ bytes (1 PiB): the allocator refuses it at once.
        var e = Assert.ThrowsAny<Exception>(() => empty(1L << 50, ScalarType.Byte).Dispose());
        Assert.True(MemoryFailure.Is(e), e.Message);
        Assert.Equal("out of memory (an allocation of 1125899906842624 bytes, 1073741824.0 MiB, was refused)", MemoryFailure.Describe(e));
        Assert.Equal("out of memory (an allocation was refused)", MemoryFailure.Describe(new OutOfMemoryException()));
        Assert.False(MemoryFailure.Is(new IOException("disk full")));
    }

    [Fact]
    public void AnOutOfMemoryExceptionIsExitOneWithOneLine()
    {
        // 100,000 canvases of 32² (200 MB of images and masks, within the kit's budget) under a 128 MiB .NET heap limit.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("many.json"), """{ "data": { "m2nist": { "canvas_size": 32, "train_count": 100000 } } }""");
        var run = CliProcess.Run(dir.Path, 120, new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "8000000" },
            "data", "generate", "--preset", "smoke", "--config", "many.json", "--device", "cpu");
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal(["error: out of memory (an allocation was refused); use smaller images, crops, canvases or batches, or a machine with more " +
                      "free memory (set FARCLUSS_DEBUG=1 for the stack trace)"], CliProcess.ErrorLines(run.Stderr));
    }
}
