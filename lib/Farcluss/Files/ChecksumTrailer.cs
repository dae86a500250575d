using System.Security.Cryptography;

namespace Farcluss;

/// <summary>
/// The integrity trailer of the kit's binary files: the SHA-256 of every byte before it, then their count
/// (8 bytes, little-endian). A reader checks it before reading a section, so a file cut short, padded or
/// with one byte changed is refused, not half-loaded. Used by <c>Checkpoint</c>.
/// </summary>
public static class ChecksumTrailer
{
    /// <summary>Bytes the trailer adds: the SHA-256, then the length it covers.</summary>
    public const int Length = 32 + 8;

    /// <summary>Appends the trailer for every byte of <paramref name="stream"/> before its position (which must be its end).</summary>
    public static void Append(Stream stream)
    {
        long payload = stream.Position;
        stream.Position = 0;
        var hash = SHA256.HashData(stream);
        stream.Position = payload;
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(hash);
        writer.Write(payload);
        writer.Flush();
    }

    /// <summary>
    /// Checks the trailer of <paramref name="stream"/>, whose first <paramref name="headerEnd"/> bytes were read already;
    /// returns where the covered bytes end and leaves the position at <paramref name="headerEnd"/>.
    /// <paramref name="what"/> names the file in messages ("checkpoint").
    /// </summary>
    public static long Verify(Stream stream, long headerEnd, string what, string path)
    {
        if (stream.Length < headerEnd + Length) throw new KitException($"{what} is truncated (no checksum at its end)", path);
        stream.Position = stream.Length - Length;
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var expected = reader.ReadBytes(32);
        long covered = reader.ReadInt64();
        if (covered < headerEnd || covered > stream.Length)
            throw new KitException($"{what} is damaged (or cut short): its last {Length} bytes are not the checksum trailer " +
                                   $"the kit writes (the file has {stream.Length} bytes)", path);
        if (covered != stream.Length - Length)
            throw new KitException($"{what} is damaged: it says it holds {covered + Length} bytes, the file has {stream.Length}" +
                                   (covered > stream.Length - Length ? " (cut short?)" : ""), path);
        stream.Position = 0;
        using (var bounded = new BoundedStream(stream, covered))
            if (!SHA256.HashData(bounded).AsSpan().SequenceEqual(expected))
                throw new KitException($"{what} is damaged: its SHA-256 does not match its contents", path);
        stream.Position = headerEnd;
        return covered;
    }
}
