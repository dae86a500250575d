using Farcluss.Models;
using Farcluss.Tests.Data;
using Farcluss.Tests.Reliability;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

/// <summary>Never constructed: a hostile pickle names it, and the reader must not build it or even run its static constructor.</summary>
public sealed class Tripwire
{
    static Tripwire() => TripwireLog.Touched = true;
    public Tripwire() => TripwireLog.Touched = true;
    public Tripwire(string _) => TripwireLog.Touched = true;
}

/// <summary>Set by <see cref="Tripwire"/> if it is ever touched (kept apart, so reading it does not run Tripwire's static constructor).</summary>
public static class TripwireLog
{
    public static bool Touched;
}

/// <summary>
/// PthFile and StateDictPickle: a .pth is read in C# without running or constructing anything the file
/// names. Each hostile file below would run `touch MARKER` if Python's pickle loaded it (os.system,
/// builtins.eval and subprocess.Popen called with that command); the kit's reader must refuse each at
/// the name, before any tensor is made, and the marker must not appear.
/// </summary>
public class PthFileTests : ModelTestBase
{
    static readonly string Fixture = Path.Combine(MnistTestData.RepoRoot(), "tests", "Farcluss.Tests", "Fixtures", "tiny-resnet", "tiny-resnet.pth");

    /// <summary>{'w': module.name(argument)}: the classic code-running pickle.</summary>
    static CraftedPth Hostile(string module, string name, string argument) =>
        new CraftedPth().Op('}').Text("w").Call(module, name, argument).Op('s');

    /// <summary>A valid 2×3 float tensor 'w' first, then whatever <paramref name="then"/> adds under 'x'.</summary>
    static CraftedPth AfterAValidTensor(Func<CraftedPth, CraftedPth> then) =>
        then(new CraftedPth().Op('}').Text("w").FloatTensor("0", 6, 0, [2, 3], [3, 1]).Op('s').Text("x")).Op('s');

    static readonly Dictionary<string, float[]> SixFloats = new() { ["0"] = [0, 1, 2, 3, 4, 5] };

    [Theory]
    [InlineData("os", "system", "touch {0}")]
    [InlineData("builtins", "eval", "__import__('os').system('touch {0}')")]
    [InlineData("subprocess", "Popen", "touch {0}")]
    [InlineData("posix", "system", "touch {0}")]
    [InlineData("Farcluss.Tests.Models", "Tripwire", "{0}")] // a .NET type, by the name a reflective unpickler would resolve
    public void APickleNamingAnythingButTensorsIsRefusedAtTheNameAndNothingRuns(string module, string name, string payload)
    {
        using var dir = new TempDirectory();
        var marker = dir.File("MARKER");
        var path = Hostile(module, name, string.Format(payload, marker)).Zip(dir.File("hostile.pth"), SixFloats);
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var e = Assert.Throws<KitException>(() => PthFile.Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Equal($"{path}: data.pkl at byte 9: the pickle names {module}.{name}, and a state dict of tensors names only " +
                     "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage; refused before any tensor was made", e.Message);
        Assert.DoesNotContain('\n', e.Message); // the CLI prints it as one `error:` line
        Assert.False(File.Exists(marker));
        Assert.False(TripwireLog.Touched);
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        // Through the backbone loader too: nothing copied.
        using var backbone = new ResNetBackbone([1, 1, 1, 1], (false, false, true), 3, 8);
        var before = backbone.state_dict()["conv1.weight"].clone();
        Assert.Throws<KitException>(() => PretrainedBackbone.Load(backbone, path));
        Assert.True(backbone.state_dict()["conv1.weight"].eq(before).all().item<bool>());
    }

    [Fact]
    public void AHostileNameAfterAValidTensorIsRefusedBeforeAnyTensorIsMade()
    {
        using var dir = new TempDirectory();
        var marker = dir.File("MARKER");
        var good = AfterAValidTensor(p => p.FloatTensor("0", 6, 1, [5], [1])).Zip(dir.File("good.pth"), SixFloats);
        var bad = AfterAValidTensor(p => p.Call("os", "system", $"touch {marker}")).Zip(dir.File("bad.pth"), SixFloats);

        // The counter sees the tensors a read makes: the good file's two.
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var tensors = PthFile.Read(good);
        Assert.Equal(live + 2, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, tensors["w"].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, tensors["x"].data<float>().ToArray()); // a view at offset 1 of the same storage
        foreach (var t in tensors.Values) t.Dispose();

        live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Contains("the pickle names os.system", Assert.Throws<KitException>(() => PthFile.Read(bad)).Message);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void AReduceOnAGlobalThatIsNotACallOfAStateDictIsRefused()
    {
        using var dir = new TempDirectory();
        string Refusal(CraftedPth pickle, string name) =>
            Assert.Throws<KitException>(() => PthFile.Read(pickle.Zip(dir.File(name), SixFloats))).Message;

        // A storage type is allowed as a name, inside a persistent id only: calling it is refused.
        Assert.Contains("REDUCE calls torch.FloatStorage with (the string 'touch x'); a state dict only calls collections.OrderedDict() and",
            Refusal(new CraftedPth().Op('}').Text("w").Call("torch", "FloatStorage", "touch x").Op('s'), "storage-call.pth"));
        // OrderedDict with an argument (Python would build it from any iterable) is not what a state dict does.
        Assert.Contains("REDUCE calls collections.OrderedDict with (the string 'x')",
            Refusal(new CraftedPth().Call("collections", "OrderedDict", "x"), "ordereddict-args.pth"));
        // REDUCE on a value that is not a global at all.
        Assert.Contains("REDUCE calls the string 'w' with ()", Refusal(new CraftedPth().Text("w").Op(')').Op('R'), "string-call.pth"));
        // A tensor with backward hooks (they would be Python callables).
        var hooks = new CraftedPth().Op('}').Text("w").Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Text("storage").Global("torch", "FloatStorage").Text("0").Text("cpu").Int(6).Op('t').Op('Q')
            .Int(0).Int(6).Op(0x85).Int(1).Op(0x85).Op(0x89)
            .Op('}').Text("hook").Int(1).Op('s').Op('t').Op('R').Op('s');
        Assert.Contains("REDUCE calls torch._utils._rebuild_tensor_v2 with (a storage", Refusal(hooks, "hooks.pth"));
        // Opcodes state dicts never use: INST and OBJ (which call a class), and BUILD on a non-dict.
        Assert.Contains("opcode 0x69 ('i'), which state dicts do not use", Refusal(new CraftedPth().Op('(').Op('i').Raw("os\nsystem\n"u8.ToArray()), "inst.pth"));
        Assert.Contains("opcode 0x6f ('o'), which state dicts do not use", Refusal(new CraftedPth().Op('(').Global("collections", "OrderedDict").Op('o'), "obj.pth"));
        Assert.Contains("BUILD on something other than a dict", Refusal(new CraftedPth().Text("x").Op('}').Op('b'), "build.pth"));
    }

    [Fact]
    public void DamagedOrMisleadingFilesAreRefusedNamingTheProblem()
    {
        using var dir = new TempDirectory();
        string Refusal(string path) => Assert.Throws<KitException>(() => PthFile.Read(path)).Message;
        CraftedPth OneTensor(int count, int offset, int[] shape, int[] stride, string key = "0") =>
            new CraftedPth().Op('}').Text("w").FloatTensor(key, count, offset, shape, stride).Op('s');

        Assert.Contains("data/0 holds 24 bytes, its 7 elements need 28: damaged file",
            Refusal(OneTensor(7, 0, [7], [1]).Zip(dir.File("short.pth"), SixFloats)));
        Assert.Contains("tensor 'w' [2, 3] reaches element 6 of a storage of 6: damaged file",
            Refusal(OneTensor(6, 1, [2, 3], [3, 1]).Zip(dir.File("outside.pth"), SixFloats)));
        Assert.Contains("storage key '../0' is not a plain name",
            Refusal(OneTensor(6, 0, [6], [1], key: "../0").Zip(dir.File("escape.pth"), SixFloats)));
        Assert.Contains("storage '1' has no entry data/1", Refusal(OneTensor(6, 0, [6], [1], key: "1").Zip(dir.File("missing.pth"), SixFloats)));
        Assert.Contains("the pickle ends in the middle of an opcode", Refusal(new CraftedPth().Op('X').Raw([200, 0, 0, 0]).Zip(dir.File("cut-pickle.pth"))));
        Assert.Contains("'epoch' is the integer 3, not a tensor",
            Refusal(new CraftedPth().Op('}').Text("epoch").Int(3).Op('s').Zip(dir.File("checkpoint.pth"))));

        Assert.Contains("the pickle names torch.nn.modules.container.Sequential, and a state dict of tensors names only collections.OrderedDict, " +
                        "torch._utils._rebuild_tensor_v2 and torch.*Storage (a whole model saved with torch.save(model)? save model.state_dict() instead)",
            Refusal(new CraftedPth().Global("torch.nn.modules.container", "Sequential").Op(')').Op(0x81).Zip(dir.File("module.pth"))));
        Assert.Contains("the tensors were saved big-endian", Refusal(OneTensor(6, 0, [6], [1]).Zip(dir.File("big.pth"), SixFloats, byteOrder: "big")));

        var bytes = File.ReadAllBytes(Fixture);
        File.WriteAllBytes(dir.File("cut.pth"), bytes[..(bytes.Length / 2)]);
        Assert.Contains("not a readable zip archive", Refusal(dir.File("cut.pth")));
        // torchvision's naming: the 8+ hex digits are the start of the file's sha256.
        File.Copy(Fixture, dir.File("tiny-resnet-deadbeef.pth"));
        Assert.Contains("does not start with deadbeef (torchvision names its files by that prefix)", Refusal(dir.File("tiny-resnet-deadbeef.pth")));
        File.Copy(Fixture, dir.File("tiny-resnet-1da82d8c.pth"));
        foreach (var t in PthFile.Read(dir.File("tiny-resnet-1da82d8c.pth")).Values) t.Dispose();
        Assert.Contains("weights file not found", Refusal(dir.File("none.pth")));
    }

    [Fact]
    public void ATrainingCheckpointGivesItsStateDictEntryAndALittleEndianMarkIsAccepted()
    {
        using var dir = new TempDirectory();
        // {'epoch': 3, 'lr': 0.1, 'milestones': [10, 20], 'state_dict': {'w': tensor}}, as training scripts save;
        // the converter takes the same entry.
        var checkpoint = new CraftedPth().Op('}').Text("epoch").Int(3).Op('s')
            .Text("lr").Op('G').Raw(BitConverter.GetBytes(0.1).Reverse().ToArray()).Op('s')
            .Text("milestones").Op(']').Op('(').Int(10).Int(20).Op('e').Op('s')
            .Text("state_dict").Op('}').Text("w").FloatTensor("0", 6, 0, [3, 2], [1, 3]).Op('s').Op('s');
        var tensors = PthFile.Read(checkpoint.Zip(dir.File("checkpoint.pth"), SixFloats, byteOrder: "little"));
        var w = Assert.Single(tensors).Value;
        // Stride (1, 3): the transpose of [[0, 1, 2], [3, 4, 5]], read as a contiguous copy.
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, w.data<float>().ToArray());
        Assert.True(w.is_contiguous());
        w.Dispose();
    }

    /// <summary>The proof that nothing is resolved by name is also structural: the reader has no way to.</summary>
    [Fact]
    public void TheReaderUsesNoReflectionNoProcessesAndNoDynamicLoading()
    {
        foreach (var file in new[] { "StateDictPickle.cs", "PthFile.cs" })
        {
            var source = File.ReadAllText(Path.Combine(MnistTestData.RepoRoot(), "lib", "Farcluss", "Models", file));
            foreach (var word in new[] { "System.Reflection", "Activator", "GetType(", "Type.GetType", "GetMethod", "Invoke(", "Assembly", "Process", "dynamic ", "Marshal" })
                Assert.False(source.Contains(word, StringComparison.Ordinal), $"{file} contains {word}");
        }
    }

    [Fact]
    public void TheCliEndsWithOneErrorLineForAHostilePthAndRunsNothing()
    {
        using var dir = new TempDirectory();
        var marker = dir.File("MARKER");
        var weights = Hostile("os", "system", $"touch {marker}").Zip(dir.File("resnet50.pth"), SixFloats);
        var config = JsonNode.Parse(CliProcess.TinyConfig)!.AsObject();
        config["model"] = new JsonObject { ["kind"] = "resnet50", ["width"] = null, ["backbone_weights"] = weights }; // width: the compact model's, unset
        File.WriteAllText(dir.File("hostile.json"), config.ToJsonString());

        var run = CliProcess.Run(dir.Path, 180, "train", "--preset", "smoke", "--config", "hostile.json", "--steps", "2", "--device", "cpu", "--out", "run");

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal([$"error: {weights}: data.pkl at byte 9: the pickle names os.system, and a state dict of tensors names only " +
                      "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch.*Storage; refused before any tensor was made"],
            CliProcess.ErrorLines(run.Stderr));
        Assert.False(File.Exists(marker));
    }
}
