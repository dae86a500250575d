using Farcluss.Models;
using Farcluss.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

/// <summary>
/// ImageNet weight import, on a torchvision-style ResNet small enough to commit
/// (Fixtures/tiny-resnet: base width 8, blocks [2, 1, 2, 2], made by make_fixture.py with Debian's
/// PyTorch 1.13 from torchvision 0.14's Bottleneck): tiny-resnet.pth as torch.save wrote it, read in
/// C# as torchvision's files are, and tiny-resnet.bin, the same converted by
/// data-scripts/convert-torchvision-weights.py (the optional path through Python).
/// </summary>
public class ResNetWeightImportTests : ModelTestBase
{
    static readonly string Fixtures = Path.Combine(MnistTestData.RepoRoot(), "tests", "Farcluss.Tests", "Fixtures", "tiny-resnet");
    static readonly string Weights = Path.Combine(Fixtures, "tiny-resnet.bin");
    static readonly string PyTorchWeights = Path.Combine(Fixtures, "tiny-resnet.pth");

    static Dictionary<string, Tensor> ReadFile(string path) => PthFile.IsZip(path) ? PthFile.Read(path) : StateDictFile.Read(path);
    static readonly int[] Blocks = [2, 1, 2, 2];
    const int Width = 8;

    static ResNetBackbone TinyBackbone(int outputStride, int[]? blocks = null, int width = Width) =>
        new(blocks ?? Blocks, outputStride == 8 ? (false, true, true) : (false, false, true), 3, width);

    // Tensors by hand: stem conv1 + bn1 (weight, bias, running_mean, running_var, num_batches_tracked) = 6;
    // a Bottleneck 3 convs + 3 BatchNorms = 18, +6 with its downsample; 7 blocks, the first of each layer
    // with a downsample: 7·18 + 4·6 + 6 = 156 backbone tensors; the file adds fc.weight and fc.bias = 158.
    const int BackboneTensors = 156;

    [Theory]
    [InlineData(16, "tiny-resnet.pth")]
    [InlineData(8, "tiny-resnet.pth")]
    [InlineData(16, "tiny-resnet.bin")]
    [InlineData(8, "tiny-resnet.bin")]
    public void EveryTensorIsMappedAndTheBackboneGivesPyTorchsOutput(int outputStride, string weightsFile)
    {
        var weights = Path.Combine(Fixtures, weightsFile);
        using var backbone = TinyBackbone(outputStride);
        Assert.Equal(32, backbone.LowLevelChannelCount);
        Assert.Equal(256, backbone.DeepChannelCount);
        var report = PretrainedBackbone.Load(backbone, weights);

        var file = ReadFile(weights);
        var state = backbone.state_dict();
        Assert.Equal(158, file.Count);
        Assert.Equal(BackboneTensors, state.Count);
        Assert.Equal(state.Keys.Order(StringComparer.Ordinal), report.Loaded.Order(StringComparer.Ordinal));
        Assert.Equal(["fc.bias", "fc.weight"], report.Ignored.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in state)
            Assert.True(tensor.shape.SequenceEqual(file[name].shape) && tensor.eq(file[name]).all().item<bool>(), $"{name} differs from the file");
        Assert.Equal(1234, state["layer4.1.bn3.num_batches_tracked"].item<long>());

        // The reference: PyTorch 1.13's torchvision Bottlenecks on the same input, eval mode.
        // Tolerance: float32 convolutions in two libtorch versions (1.13, 2.10) may sum in another
        // order; |a − b| ≤ 1e-5 + 1e-4·|b| is far below any mapping error (a swapped tensor moves outputs by O(1)).
        var reference = StateDictFile.Read(Path.Combine(Fixtures, "reference.bin"));
        backbone.eval();
        using var noGrad = no_grad();
        var features = backbone.call(reference["input"]);
        var expectedLow = reference[$"low_level_os{outputStride}"];
        var expectedDeep = reference[$"deep_os{outputStride}"];
        Assert.Equal(new long[] { 2, 32, 10, 11 }, features.LowLevel.shape);
        Assert.Equal(outputStride == 8 ? new long[] { 2, 256, 5, 6 } : new long[] { 2, 256, 3, 3 }, features.Deep.shape);
        Assert.True(features.LowLevel.allclose(expectedLow, rtol: 1e-4, atol: 1e-5),
            $"layer1: largest difference {(features.LowLevel - expectedLow).abs().max().item<float>()}");
        Assert.True(features.Deep.allclose(expectedDeep, rtol: 1e-4, atol: 1e-5),
            $"layer4: largest difference {(features.Deep - expectedDeep).abs().max().item<float>()}");
    }

    [Fact]
    public void ThePthAndItsConversionHoldTheSameTensorsBitForBit()
    {
        var pth = PthFile.Read(PyTorchWeights);
        var bin = StateDictFile.Read(Weights);
        Assert.Equal(bin.Keys, pth.Keys); // same names, same (torch.save's) order
        foreach (var (name, tensor) in bin)
            Assert.True(tensor.dtype == pth[name].dtype && tensor.shape.SequenceEqual(pth[name].shape) && tensor.eq(pth[name]).all().item<bool>(), name);
        foreach (var t in pth.Values.Concat(bin.Values)) t.Dispose();
    }

    [Theory]
    [InlineData("tiny-resnet.pth")]
    [InlineData("tiny-resnet.bin")]
    public void AFileThatDoesNotFitListsMissingUnexpectedAndMisShapedTensorsAndCopiesNothing(string weightsFile)
    {
        var weights = Path.Combine(Fixtures, weightsFile);
        using (var deeper = TinyBackbone(16, blocks: [2, 1, 2, 3]))
        {
            var before = deeper.state_dict()["conv1.weight"].clone();
            var e = Assert.Throws<KitException>(() => PretrainedBackbone.Load(deeper, weights));
            Assert.Equal(weights, e.FilePath);
            Assert.Contains("18 missing from the file: layer4.2.conv1.weight", e.Message); // one whole Bottleneck
            Assert.True(deeper.state_dict()["conv1.weight"].eq(before).all().item<bool>()); // nothing copied
        }
        using (var shallower = TinyBackbone(16, blocks: [2, 1, 1, 2]))
            Assert.Contains("18 unexpected in the file: layer3.1.conv1.weight", Assert.Throws<KitException>(() => PretrainedBackbone.Load(shallower, weights)).Message);
        using (var wider = TinyBackbone(16, width: 16))
            Assert.Contains("with another shape: conv1.weight (file [8, 3, 7, 7], model [16, 3, 7, 7])",
                Assert.Throws<KitException>(() => PretrainedBackbone.Load(wider, weights)).Message);
    }

    [Fact]
    public void PythonPicklesAndDamagedFilesAreRefusedClearly()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("resnet50.pth"), [(byte)'P', (byte)'K', 3, 4, 0, 0]);
        var zip = Assert.Throws<KitException>(() => StateDictFile.Read(dir.File("resnet50.pth")));
        Assert.Contains("this is a PyTorch .pth file (a zip archive), not TorchSharp's format: read it with PthFile.Read", zip.Message);
        Assert.Contains("not a readable zip archive", Assert.Throws<KitException>(() => PthFile.Read(dir.File("resnet50.pth"))).Message);
        // PyTorch before 1.6 wrote a bare pickle (magic number first): neither reader takes it.
        using var tiny = TinyBackbone(16);
        File.WriteAllBytes(dir.File("legacy.pth"), [0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.']);
        Assert.Contains("in the format before PyTorch 1.6 (a bare pickle), which the kit does not read: re-save it with torch.save",
            Assert.Throws<KitException>(() => PretrainedBackbone.Load(tiny, dir.File("legacy.pth"))).Message);

        var bytes = File.ReadAllBytes(Weights);
        File.WriteAllBytes(dir.File("cut.bin"), bytes[..(bytes.Length / 2)]);
        var cut = Assert.Throws<KitException>(() => StateDictFile.Read(dir.File("cut.bin")));
        Assert.Equal(dir.File("cut.bin"), cut.FilePath);
        Assert.Contains("truncated", cut.Message);

        File.WriteAllBytes(dir.File("extra.bin"), [.. bytes, 0]);
        Assert.Contains("1 bytes after the last tensor", Assert.Throws<KitException>(() => StateDictFile.Read(dir.File("extra.bin"))).Message);
        Assert.Contains("weights file not found", Assert.Throws<KitException>(() => StateDictFile.Read(dir.File("none.bin"))).Message);
    }

    [Fact]
    public void BackboneWeightsAreForResNetModelsOnly()
    {
        var compact = new ModelSettings { NumClasses = 3, BackboneWeights = Weights };
        Assert.Contains("apply to the ResNet models only", Assert.Throws<KitException>(() => ModelFactory.Create(compact)).Message);
        using var model = ModelFactory.Create(new ModelSettings { NumClasses = 3, Width = 8 }, new Generator(1));
        Assert.Contains("for the ResNet models", Assert.Throws<KitException>(() => PretrainedBackbone.LoadInto(model, Weights)).Message);
    }
}
