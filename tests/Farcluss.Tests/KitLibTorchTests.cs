using System.Xml.Linq;
using Farcluss.Charts;
using Farcluss.Runtime;
using static TorchSharp.torch;

namespace Farcluss.Tests;

/// <summary>
/// The kit loads its own libtorch ahead of any other (KitLibTorch). The expected values come from
/// `readelf -d` on the natives of libtorch-cpu-linux-x64 2.10.0 and TorchSharp 0.107.0.
/// The end-to-end check with a foreign libtorch on the search path is tests/shell/foreign-libtorch.sh.
/// </summary>
public class KitLibTorchTests
{
    public KitLibTorchTests() => Torch.Ready();

    static string KitFile(string name) => Path.Combine(KitLibTorch.NativeFolders().Single(), name);

    [Fact]
    public void The_dynamic_section_is_read_as_readelf_shows_it()
    {
        var cpu = ElfDependencies.Read(KitFile("libtorch_cpu.so"))!;
        Assert.Equal("libtorch_cpu.so", cpu.SoName);
        Assert.Equal(["libc10.so", "librt.so.1", "libgcc_s.so.1", "libdl.so.2", "libpthread.so.0", "libm.so.6",
                      "libgomp-98b21ff3.so.1", "libstdc++.so.6", "libc.so.6", "ld-linux-x86-64.so.2"], cpu.Needed);
        var sharp = ElfDependencies.Read(KitFile(KitLibTorch.LibTorchSharp))!;
        Assert.Equal("libLibTorchSharp.so", sharp.SoName);
        Assert.Equal(["libtorch.so", "libc10.so", "libtorch_cpu.so"], sharp.Needed.Take(3));
        // libgomp's file name differs from its SONAME: a by-name request for "libgomp.so.1" must not be taken as the kit's.
        Assert.Equal("libgomp.so.1", ElfDependencies.Read(KitFile("libgomp-98b21ff3.so.1"))!.SoName);
    }

    [Fact]
    public void A_file_that_is_not_ELF_has_no_dependencies()
    {
        var text = Path.GetTempFileName();
        try
        {
            File.WriteAllText(text, "not a shared library, but long enough to hold an ELF header of sixty-four bytes......");
            Assert.Null(ElfDependencies.Read(text));
        }
        finally { File.Delete(text); }
    }

    [Fact]
    public void The_kit_loads_leaves_first()
    {
        var folders = KitLibTorch.NativeFolders();
        var order = KitLibTorch.LoadOrder(KitFile(KitLibTorch.LibTorchSharp), folders).Select(Path.GetFileName);
        Assert.Equal(["libc10.so", "libgomp-98b21ff3.so.1", "libtorch_cpu.so", "libtorch.so", "libLibTorchSharp.so"], order);
    }

    [Fact]
    public void Every_libtorch_library_in_this_process_is_the_kits()
    {
        Assert.Equal(6f, tensor(new float[] { 1, 2, 3 }).sum().item<float>());
        var mapped = KitLibTorch.MappedTorchLibraries();
        Assert.Contains(mapped, p => Path.GetFileName(p) == "libtorch_cpu.so");
        var folder = KitLibTorch.NativeFolders().Single();
        Assert.All(mapped, p => Assert.Equal(folder, Path.GetDirectoryName(p)));
    }

    [Fact]
    public void The_pinned_libtorch_version_is_the_one_in_Directory_Packages_props()
    {
        var root = Lesson.FindRepositoryRoot(AppContext.BaseDirectory)!;
        var props = XDocument.Load(Path.Combine(root, "Directory.Packages.props"));
        var pinned = props.Descendants("LibTorchCpuVersion").Single().Value;
        Assert.Equal(pinned, KitLibTorch.PinnedCpuPackageVersion);
        Assert.Equal("$(LibTorchCpuVersion)", props.Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == KitLibTorch.CpuPackage).Attribute("Version")!.Value);
    }
}
