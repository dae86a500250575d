using System.Buffers.Binary;
using System.IO.Compression;

namespace Farcluss.Tests.Data;

/// <summary>Builds small IDX files byte by byte, as the format describes them (big-endian header).</summary>
static class IdxBytes
{
    public static byte[] Images(int count, int rows, int cols, Func<int, byte> pixel, int magic = 2051)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (int i = 0; i < count * rows * cols; i++) bytes[16 + i] = pixel(i);
        return bytes;
    }

    public static byte[] Labels(byte[] labels, int magic = 2049)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(0), magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }
}
