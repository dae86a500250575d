using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Farcluss.Runtime;

/// <summary>
/// Loads the libtorch that matches the pinned TorchSharp, and no other, before the first torch call.
///
/// <para><b>Why.</b> TorchSharp's loader (0.107.0, <c>torch.LoadNativeBackend</c>) first asks for
/// <c>torch_cpu</c> and <c>LibTorchSharp</c> <i>by name</i>. In a notebook host (.NET Interactive,
/// dotnet-repl) the kit's natives are not beside the program but in two NuGet package folders
/// (<c>torchsharp/…/runtimes/linux-x64/native</c> and <c>libtorch-cpu-linux-x64/…/runtimes/linux-x64/native</c>),
/// so that by-name request is answered by whatever the dynamic linker finds on its path. With Debian's
/// <c>python3-torch</c> installed that is <c>/usr/lib/x86_64-linux-gnu/libtorch_cpu.so</c> (libtorch 1.13),
/// and it stays loaded under the name <c>libtorch_cpu.so</c>. TorchSharp then falls back to a
/// consolidated copy of its packages, but when that copy's <c>libLibTorchSharp.so</c> needs
/// <c>libtorch_cpu.so</c> the linker reuses the library already loaded under that name (1.13), and
/// the load fails on a missing symbol (<c>c10::Error::what()</c>, seen with <c>LD_DEBUG=libs</c>).
/// TorchSharp reports it as "doesn't contain a reference to libtorch-cpu-linux-x64". A folder on
/// <c>LD_LIBRARY_PATH</c> (a conda or pip torch) does the same to the CLI too: it is searched before
/// the libraries' own <c>$ORIGIN</c> run path.</para>
///
/// <para><b>Fix.</b> The kit loads its own files by full path, leaves first (libc10, libgomp,
/// libtorch_cpu, libtorch, libLibTorchSharp: the order of their DT_NEEDED entries). Each has a
/// SONAME equal to its file name, and the linker answers a later request for that name, by name or as
/// a dependency, with the library already loaded: TorchSharp's by-name loads then find the kit's
/// copies and never search the path. If a foreign libtorch was already in the process before this ran
/// (something touched torch earlier, or <c>LD_PRELOAD</c>), it cannot be unloaded: <see cref="Load"/>
/// then fails with one sentence naming it. Called by <see cref="NativeLibTorch.EnsureLoadable"/>.
/// Taught in notebook 00.</para>
/// </summary>
public static class KitLibTorch
{
    /// <summary>The native library TorchSharp's managed code calls.</summary>
    public const string LibTorchSharp = "libLibTorchSharp.so";

    /// <summary>The NuGet package holding libtorch for the CPU, as the notebooks reference it.</summary>
    public const string CpuPackage = "libtorch-cpu-linux-x64";

    const string Rid = "linux-x64";

    /// <summary>
    /// The version of <see cref="CpuPackage"/> this kit pins (Directory.Packages.props, compiled into
    /// this assembly as metadata, so the pin is written in one place).
    /// </summary>
    public static string PinnedCpuPackageVersion =>
        typeof(KitLibTorch).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Farcluss.LibTorchCpuVersion")?.Value
        ?? throw new InvalidOperationException("Farcluss.dll was built without its libtorch version (Directory.Packages.props)");

    /// <summary>File names of libtorch's own libraries, whichever build (Debian's carry a version suffix).</summary>
    static readonly Regex TorchLibrary = new(@"^lib(torch|torch_cpu|torch_cuda|torch_global_deps|c10|c10_cuda)\.so(\.[0-9.]+)?$");

    /// <summary>
    /// The folders holding the kit's natives: the program's own folder when the build copied them there
    /// (CLI, tests), else the NuGet package folders TorchSharp.dll was loaded from (notebook hosts).
    /// Empty when neither has them.
    /// </summary>
    public static IReadOnlyList<string> NativeFolders()
    {
        foreach (var dir in new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", Rid, "native") })
            if (File.Exists(Path.Combine(dir, LibTorchSharp)) && File.Exists(Path.Combine(dir, "libtorch.so")))
                return [Path.GetFullPath(dir)];
        var torchSharpDll = typeof(TorchSharp.torch).Assembly.Location; // <packages>/torchsharp/0.107.0/lib/net8.0/TorchSharp.dll
        if (string.IsNullOrEmpty(torchSharpDll)) return [];
        var torchSharpHome = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(torchSharpDll)!, "..", ".."));
        var packages = Path.GetFullPath(Path.Combine(torchSharpHome, "..", ".."));
        var folders = new[]
        {
            Path.Combine(torchSharpHome, "runtimes", Rid, "native"),
            Path.Combine(packages, CpuPackage, PinnedCpuPackageVersion, "runtimes", Rid, "native"),
        };
        return folders.All(Directory.Exists) ? folders : [];
    }

    /// <summary>
    /// The kit's libraries in the order to load them: every file of <paramref name="folders"/> that
    /// <paramref name="root"/> needs, directly or not, each after the files it needs.
    /// </summary>
    public static IReadOnlyList<string> LoadOrder(string root, IReadOnlyList<string> folders)
    {
        var order = new List<string>();
        var visited = new HashSet<string>();
        void Visit(string path)
        {
            if (!visited.Add(path)) return;
            foreach (var name in ElfDependencies.Read(path)?.Needed ?? [])
            {
                var dependency = folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);
                if (dependency is not null) Visit(dependency);
            }
            order.Add(path);
        }
        Visit(root);
        return order;
    }

    /// <summary>
    /// Loads the kit's libtorch by full path, leaves first, once per process (see the type's remarks).
    /// Does nothing when the natives are not found (TorchSharp's own loader then reports it).
    /// Throws <see cref="KitException"/> when a foreign libtorch is in the process.
    /// </summary>
    public static void Load()
    {
        var folders = NativeFolders();
        if (folders.Count == 0) return;
        var root = folders.Select(f => Path.Combine(f, LibTorchSharp)).First(File.Exists);
        var order = LoadOrder(root, folders);

        var mapped = MappedTorchLibraries();
        var foreign = mapped.FirstOrDefault(p => !IsKitFile(p, order));
        if (foreign is not null) throw ForeignLoaded(foreign);
        if (mapped.Count > 0) return; // the kit's libtorch is already in (TorchSharp loaded it): loading again could map a second copy

        foreach (var path in order)
        {
            if (!NativeLibrary.TryLoad(path, out var handle))
            {
                var other = MappedTorchLibraries().FirstOrDefault(p => !IsKitFile(p, order));
                if (other is not null) throw ForeignLoaded(other);
                NativeLibrary.Load(path); // no foreign library to blame: let the loader's own message through
            }
            // A later request for this name, by name or as a dependency, must get this copy.
            var name = Path.GetFileName(path);
            if (ElfDependencies.Read(path)?.SoName == name && NativeLibrary.TryLoad(name, out var byName) && byName != handle)
                throw ForeignLoaded(MappedTorchLibraries().FirstOrDefault(p => !IsKitFile(p, order)) ?? name);
        }
    }

    /// <summary>libtorch's libraries mapped into this process now (from /proc/self/maps).</summary>
    public static IReadOnlyList<string> MappedTorchLibraries()
    {
        if (!File.Exists("/proc/self/maps")) return [];
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/') is var at and >= 0 ? line[at..] : "")
            .Where(path => path.Length > 0 && TorchLibrary.IsMatch(Path.GetFileName(path)))
            .Distinct()
            .ToList();
    }

    /// <summary>
    /// True if <paramref name="mapped"/> is one of the kit's files, or a byte copy of one (TorchSharp
    /// copies the packages' natives into one folder when its own loader falls back).
    /// </summary>
    static bool IsKitFile(string mapped, IReadOnlyList<string> kitFiles)
    {
        var name = Path.GetFileName(mapped);
        return kitFiles.Any(k => Path.GetFileName(k) == name && File.Exists(mapped) && new FileInfo(k).Length == new FileInfo(mapped).Length);
    }

    static KitException ForeignLoaded(string foreign) => new(
        $"another libtorch, {foreign}, is already loaded in this process, so TorchSharp cannot use its own libtorch " +
        $"({CpuPackage} {PinnedCpuPackageVersion}): restart the kernel or program and let Lesson.Setup() (or the kit's CLI) " +
        "run before anything touches torch, and remove that library's folder from LD_PRELOAD and LD_LIBRARY_PATH.");
}
