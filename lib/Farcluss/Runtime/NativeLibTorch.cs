using System.Runtime.InteropServices;
using System.Text;

namespace Farcluss.Runtime;

/// <summary>
/// Makes TorchSharp's native library load on distributions whose libstdc++ predates GCC 13
/// (Debian 12, Ubuntu 22.04). <c>libLibTorchSharp.so</c> 0.107.0 lists <c>GLIBCXX_3.4.32</c> as a
/// needed version only for a marker symbol it never calls; the dynamic loader refuses the whole
/// library for it. Marking that one version-needed entry weak (VER_FLG_WEAK in its Vernaux
/// <c>vna_flags</c>) turns the refusal into a warning. The patch is idempotent and is applied to
/// every copy the process may load (the build output and the NuGet cache) before the first torch call.
/// Taught in notebook 00.
/// </summary>
public static class NativeLibTorch
{
    const string FileName = "libLibTorchSharp.so";
    const string Version = "GLIBCXX_3.4.32";
    const ushort VerFlagWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;
    static readonly object Gate = new();
    static bool _done;
    static KitException? _failure;

    /// <summary>
    /// Patches every reachable copy of the native library, then loads the kit's own libtorch ahead of
    /// any other on the linker's path (<see cref="KitLibTorch"/>); once per process. Call before the
    /// first torch call. Throws <see cref="KitException"/> when a foreign libtorch is already loaded.
    /// </summary>
    public static void EnsureLoadable()
    {
        lock (Gate)
        {
            if (_failure is not null) throw _failure;
            if (_done) return;
            if (!OperatingSystem.IsLinux()) { _done = true; return; }
            foreach (var path in Candidates())
            {
                try { MarkVersionWeak(path); }
                catch (IOException) { } // a read-only copy that is already fine, or in use: the load will say
                catch (UnauthorizedAccessException) { }
            }
            try { KitLibTorch.Load(); }
            catch (KitException e) { _failure = e; throw; }
            _done = true;
        }
    }

    /// <summary>The copies of the library this process might load.</summary>
    public static IEnumerable<string> Candidates()
    {
        var seen = new HashSet<string>();
        var roots = new List<string> { AppContext.BaseDirectory };
        var torchAssembly = typeof(TorchSharp.torch).Assembly.Location;
        if (!string.IsNullOrEmpty(torchAssembly)) roots.Add(Path.GetDirectoryName(torchAssembly)!);
        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        roots.Add(Path.Combine(nugetRoot, "torchsharp"));
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) continue;
            IEnumerable<string> found;
            try { found = Directory.EnumerateFiles(root, FileName, SearchOption.AllDirectories); }
            catch (UnauthorizedAccessException) { continue; }
            foreach (var f in found)
                if (seen.Add(Path.GetFullPath(f))) yield return f;
        }
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the GLIBCXX_3.4.32 Vernaux entry of an ELF64 little-endian file.
    /// Returns true if the file was changed, false if it was already weak or has no such entry.
    /// </summary>
    public static bool MarkVersionWeak(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        int flagsAt = FindVersionFlagsOffset(elf);
        if (flagsAt < 0) return false;
        ushort flags = BitConverter.ToUInt16(elf, flagsAt);
        if ((flags & VerFlagWeak) != 0) return false;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        fs.Position = flagsAt;
        fs.Write(BitConverter.GetBytes((ushort)(flags | VerFlagWeak)));
        fs.Flush(true);
        return true;
    }

    /// <summary>File offset of the <c>vna_flags</c> of the GLIBCXX_3.4.32 Vernaux entry, or −1.</summary>
    public static int FindVersionFlagsOffset(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
            || elf[4] != 2 || elf[5] != 1)
            return -1; // not ELF64 little-endian: nothing this patch knows about
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 0x2C);
            long strtab = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            long vn = offset;
            for (int i = 0; i < count; i++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    uint nameOffset = BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, strtab + nameOffset) == Version) return (int)aux + 4;
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                vn += BitConverter.ToUInt32(elf, (int)vn + 12);
            }
        }
        return -1;
    }

    static string ReadCString(byte[] data, long at)
    {
        int end = (int)at;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, (int)at, end - (int)at);
    }
}
