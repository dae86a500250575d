namespace Farcluss.Runtime;

/// <summary>
/// Reads what the dynamic loader reads from a shared library: its DT_SONAME and its DT_NEEDED
/// list. <see cref="KitLibTorch"/> uses it to load libtorch's files leaves first. Reads only the
/// section headers and the strings it needs (libtorch_cpu.so is ~460 MB; nothing is read whole).
/// </summary>
public sealed record ElfDependencies(string? SoName, IReadOnlyList<string> Needed)
{
    const uint ShtDynamic = 6;
    const long DtNull = 0, DtNeeded = 1, DtSoName = 14;

    /// <summary>Reads an ELF64 little-endian shared library; null if the file is not one.</summary>
    public static ElfDependencies? Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = ReadAt(file, 0, 64);
        if (header.Length < 64 || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F'
            || header[4] != 2 || header[5] != 1)
            return null;
        long shoff = BitConverter.ToInt64(header, 0x28);
        int shentsize = BitConverter.ToUInt16(header, 0x3A), shnum = BitConverter.ToUInt16(header, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shnum == 0) return null;
        var sections = ReadAt(file, shoff, shentsize * shnum);
        for (int s = 0; s < shnum; s++)
        {
            int sh = s * shentsize;
            if (BitConverter.ToUInt32(sections, sh + 4) != ShtDynamic) continue;
            long dynOffset = BitConverter.ToInt64(sections, sh + 0x18), dynSize = BitConverter.ToInt64(sections, sh + 0x20);
            int link = (int)BitConverter.ToUInt32(sections, sh + 0x28);
            long strtab = BitConverter.ToInt64(sections, link * shentsize + 0x18);
            var dynamic = ReadAt(file, dynOffset, (int)dynSize);
            string? soName = null;
            var needed = new List<string>();
            for (int e = 0; e + 16 <= dynamic.Length; e += 16)
            {
                long tag = BitConverter.ToInt64(dynamic, e);
                if (tag == DtNull) break;
                long value = BitConverter.ToInt64(dynamic, e + 8);
                if (tag == DtNeeded) needed.Add(ReadCString(file, strtab + value));
                else if (tag == DtSoName) soName = ReadCString(file, strtab + value);
            }
            return new ElfDependencies(soName, needed);
        }
        return new ElfDependencies(null, []);
    }

    static byte[] ReadAt(FileStream file, long offset, int count)
    {
        var buffer = new byte[count];
        file.Position = offset;
        int read = 0;
        while (read < count)
        {
            int n = file.Read(buffer, read, count - read);
            if (n == 0) return buffer[..read];
            read += n;
        }
        return buffer;
    }

    static string ReadCString(FileStream file, long offset)
    {
        var bytes = ReadAt(file, offset, 512); // library names are short
        int end = Array.IndexOf(bytes, (byte)0);
        return System.Text.Encoding.ASCII.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }
}
