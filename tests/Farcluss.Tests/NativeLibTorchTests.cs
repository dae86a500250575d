using Farcluss.Runtime;
using static TorchSharp.torch;

namespace Farcluss.Tests;

public class NativeLibTorchTests
{
    public NativeLibTorchTests() => Torch.Ready();

    [Fact]
    public void The_native_library_loads_and_computes()
    {
        // 1 + 2 + 3 = 6, computed by libtorch through libLibTorchSharp.so.
        Assert.Equal(6f, tensor(new float[] { 1, 2, 3 }).sum().item<float>());
    }

    [Fact]
    public void The_GLIBCXX_patch_is_idempotent_on_a_pristine_copy()
    {
        var installed = NativeLibTorch.Candidates().First();
        var copy = Path.GetTempFileName();
        try
        {
            File.Copy(installed, copy, overwrite: true);
            // Undo the patch on the copy (clear VER_FLG_WEAK = 0x2 of the GLIBCXX_3.4.32 entry) to get the shipped file back.
            var bytes = File.ReadAllBytes(copy);
            int at = NativeLibTorch.FindVersionFlagsOffset(bytes);
            Assert.True(at > 0);
            bytes[at] &= 0xFD;
            File.WriteAllBytes(copy, bytes);
            Assert.True(NativeLibTorch.MarkVersionWeak(copy));   // the shipped file gets patched
            Assert.Equal(2, File.ReadAllBytes(copy)[at] & 0x2);
            Assert.False(NativeLibTorch.MarkVersionWeak(copy));  // and a second run changes nothing
        }
        finally { File.Delete(copy); }
    }

}
