using System.Runtime.InteropServices;
using System.Text;

namespace Farcluss;

/// <summary>
/// Reads a small text file a user names (a config file, a split list) only when it is a regular file of at
/// most a given size. `--config /dev/zero` would otherwise be read until memory runs out, and a FIFO would
/// block the command forever (opening one waits for a writer), so the file's type is asked of the kernel
/// (statx, which opens nothing) before it is opened, and at most the limit plus one byte is ever read, in
/// case the file grows meanwhile. Every refusal is a <see cref="KitException"/> naming the file.
/// </summary>
public static class RegularFile
{
    /// <summary>The file's text (UTF-8), after the checks above. <paramref name="what"/> names it in errors ("config file").</summary>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        if (Directory.Exists(path)) throw new KitException($"this is a folder, not a {what}", path);
        if (!File.Exists(path)) throw new KitException($"{what} not found", path);
        var (type, size) = Describe(path);
        if (type is not null && type != "regular file")
            throw new KitException($"a {what} must be a regular file, and this is a {type}", path);
        if (size > maxBytes) throw new KitException($"{what} is {size} bytes, more than the {maxBytes}-byte limit", path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[Math.Min(maxBytes + 1, Math.Max(size, 0) + 4096)];
            using var memory = new MemoryStream();
            int read;
            while ((read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, maxBytes + 1 - memory.Length))) > 0)
            {
                memory.Write(buffer, 0, read);
                if (memory.Length > maxBytes) throw new KitException($"{what} is more than the {maxBytes}-byte limit", path);
            }
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(memory.GetBuffer(), 0, (int)memory.Length).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KitException($"cannot read the {what}: {e.Message}", path, e);
        }
    }

    /// <summary>The file's type ("regular file", "FIFO", "character device", ...) and size, following symbolic
    /// links; (null, -1) where statx is not available (not Linux), and the bounded read then still applies.</summary>
    public static (string? Type, long Size) Describe(string path)
    {
        var status = new byte[256]; // struct statx is 256 bytes, the same on every Linux architecture
        try
        {
            if (Statx(AtCurrentDirectory, path, 0, StatxType | StatxSize, status) != 0) return (null, -1);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return (null, -1); }
        int mode = BitConverter.ToUInt16(status, 28); // stx_mode
        long size = BitConverter.ToInt64(status, 40); // stx_size
        string type = (mode & 0xF000) switch
        {
            0x8000 => "regular file",
            0x4000 => "folder",
            0x1000 => "FIFO (named pipe)",
            0x2000 => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => "special file",
        };
        return (type, size);
    }

    const int AtCurrentDirectory = -100;
    const uint StatxType = 0x1, StatxSize = 0x200;

    [DllImport("libc", EntryPoint = "statx", CharSet = CharSet.Ansi)] // Ansi is UTF-8 on Linux
    static extern int Statx(int directory, string path, int flags, uint mask, [Out] byte[] status);
}
