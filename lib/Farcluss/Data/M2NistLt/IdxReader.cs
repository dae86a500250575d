using System.Buffers.Binary;
using System.IO.Compression;

namespace Farcluss.Data;

/// <summary>A stack of greyscale images read from an IDX file: <paramref name="Pixels"/> holds
/// <paramref name="Count"/> images of <paramref name="Rows"/>×<paramref name="Cols"/> bytes, row-major, one after another.
/// Taught in notebook 00.</summary>
public sealed record IdxImages(int Count, int Rows, int Cols, byte[] Pixels)
{
    /// <summary>Bytes per image (Rows × Cols).</summary>
    public int ImageSize => Rows * Cols;

    /// <summary>The pixels of image <paramref name="index"/>, without copying.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);
}

/// <summary>
/// Reads MNIST-format IDX files (unsigned-byte images, magic 2051; unsigned-byte labels, magic
/// 2049), raw or gzip-compressed. The format is detected from the bytes (gzip starts 1f 8b), never
/// from the file name. Everything a header declares is checked before memory is allocated for it,
/// and the data must have exactly the declared length: a truncated download or a file with bytes
/// after the data is an error, not a silently shorter or longer dataset.
/// Every problem is a <see cref="KitException"/> naming the file. Taught in notebook 00.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with 3 dimensions (images).</summary>
    public const int ImagesMagic = 0x0803; // 2051

    /// <summary>Magic number of an IDX file of unsigned bytes with 1 dimension (labels).</summary>
    public const int LabelsMagic = 0x0801; // 2049

    /// <summary>The largest data section a header may declare. A corrupt or hostile header can
    /// claim any size; refusing anything over 1 GiB (MNIST's largest file holds 47 MB) keeps a
    /// flipped bit from turning into a multi-gigabyte allocation.</summary>
    public const long MaxDataBytes = 1L << 30;

    /// <summary>Reads an IDX image file (raw or gzip).</summary>
    public static IdxImages ReadImages(string path)
    {
        using var stream = OpenFile(path);
        return ReadImages(stream, path);
    }

    /// <summary>Reads an IDX label file (raw or gzip).</summary>
    public static byte[] ReadLabels(string path)
    {
        using var stream = OpenFile(path);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads an image file and its label file and checks that they hold the same number of items.</summary>
    public static (IdxImages Images, byte[] Labels) LoadPair(string imagesPath, string labelsPath)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        CheckPairCounts(images, labels, imagesPath, labelsPath);
        return (images, labels);
    }

    /// <summary>Like <see cref="LoadPair(string, string)"/> but from seekable streams; the names are used in error messages.</summary>
    public static (IdxImages Images, byte[] Labels) LoadPair(Stream images, string imagesName, Stream labels, string labelsName)
    {
        var imageStack = ReadImages(images, imagesName);
        var labelArray = ReadLabels(labels, labelsName);
        CheckPairCounts(imageStack, labelArray, imagesName, labelsName);
        return (imageStack, labelArray);
    }

    /// <summary>Reads IDX images from a seekable stream (raw or gzip); <paramref name="sourceName"/> names it in errors.</summary>
    public static IdxImages ReadImages(Stream stream, string sourceName)
    {
        return Read(stream, sourceName, magic =>
        {
            if (magic != ImagesMagic)
                throw new KitException($"not an IDX image file: magic number is {magic}, expected {ImagesMagic} " +
                                       "(unsigned bytes, 3 dimensions)", sourceName);
        }, header =>
        {
            int count = header[1], rows = header[2], cols = header[3];
            if (count < 0 || rows <= 0 || cols <= 0)
                throw new KitException($"invalid image dimensions in the header: count {count}, rows {rows}, cols {cols}", sourceName);
            long imageBytes = (long)rows * cols; // ≤ 2^62: cannot overflow
            if (imageBytes > MaxDataBytes || imageBytes * count > MaxDataBytes)
                throw new KitException($"header declares {count} images of {rows}×{cols} pixels " +
                                       $"({imageBytes * count} bytes), more than the {MaxDataBytes}-byte limit", sourceName);
            return imageBytes * count;
        }, headerInts: 4, (header, data) => new IdxImages(header[1], header[2], header[3], data));
    }

    /// <summary>Reads IDX labels from a seekable stream (raw or gzip); <paramref name="sourceName"/> names it in errors.</summary>
    public static byte[] ReadLabels(Stream stream, string sourceName)
    {
        return Read(stream, sourceName, magic =>
        {
            if (magic != LabelsMagic)
                throw new KitException($"not an IDX label file: magic number is {magic}, expected {LabelsMagic} " +
                                       "(unsigned bytes, 1 dimension)", sourceName);
        }, header =>
        {
            int count = header[1];
            if (count < 0) throw new KitException($"invalid label count {count} in the header", sourceName);
            if (count > MaxDataBytes)
                throw new KitException($"header declares {count} labels, more than the {MaxDataBytes}-byte limit", sourceName);
            return count;
        }, headerInts: 2, (header, data) => data);
    }

    static void CheckPairCounts(IdxImages images, byte[] labels, string imagesName, string labelsName)
    {
        if (images.Count != labels.Length)
            throw new KitException($"holds {images.Count} images but its label file {labelsName} holds {labels.Length} labels", imagesName);
    }

    static FileStream OpenFile(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16); }
        catch (FileNotFoundException e) { throw new KitException("file not found", path, e); }
        catch (DirectoryNotFoundException e) { throw new KitException("file not found (its folder does not exist)", path, e); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new KitException($"cannot open: {e.Message}", path, e); }
    }

    /// <summary>Shared reading logic: detect gzip, read the big-endian header, let the caller
    /// validate it and say how many data bytes to expect, then read exactly that many.</summary>
    static T Read<T>(Stream stream, string sourceName, Action<int> checkMagic, Func<int[], long> validateHeader, int headerInts,
                     Func<int[], byte[], T> build)
    {
        if (!stream.CanSeek) throw new ArgumentException("IdxReader needs a seekable stream (to detect gzip).", nameof(stream));
        try
        {
            long start = stream.Position;
            Span<byte> signature = stackalloc byte[2];
            int signatureLength = ReadUpTo(stream, signature);
            stream.Position = start;
            bool isGzip = signatureLength == 2 && signature[0] == 0x1f && signature[1] == 0x8b;
            using var gzip = isGzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : null;
            Stream body = gzip ?? stream;
            string what = isGzip ? "decompressed data" : "file";

            // The magic number first, on its own, so that a wrong kind of file is named as such
            // even when it is shorter than the header this kind would have.
            var headerBytes = new byte[headerInts * 4];
            int got = ReadUpTo(body, headerBytes.AsSpan(0, 4));
            if (got == 4) got += ReadUpTo(body, headerBytes.AsSpan(4));
            var header = new int[headerInts];
            for (int i = 0; i < got / 4; i++) header[i] = BinaryPrimitives.ReadInt32BigEndian(headerBytes.AsSpan(4 * i));
            if (got >= 4) checkMagic(header[0]);
            if (got < headerBytes.Length)
                throw new KitException($"truncated: {what} is {got} bytes, shorter than the {headerBytes.Length}-byte IDX header", sourceName);

            long expected = validateHeader(header);
            byte[] data = isGzip
                ? ReadExactlyGrowing(body, expected, sourceName)
                : ReadExactlyKnownLength(stream, expected, sourceName, stream.Length - stream.Position);
            if (isGzip) CheckGzipTrailer(stream, start, headerBytes.Length + expected, sourceName);
            return build(header, data);
        }
        catch (InvalidDataException e)
        {
            throw new KitException($"corrupt gzip data: {e.Message}", sourceName, e);
        }
        catch (IOException e)
        {
            throw new KitException($"read error: {e.Message}", sourceName, e);
        }
    }

    /// <summary>Raw file: the remaining length is known, so compare before allocating.</summary>
    static byte[] ReadExactlyKnownLength(Stream stream, long expected, string sourceName, long remaining)
    {
        if (remaining < expected)
            throw new KitException($"truncated: the header declares {expected} data bytes but only {remaining} follow it", sourceName);
        if (remaining > expected)
            throw new KitException($"{remaining - expected} unexpected trailing bytes after the {expected} data bytes the header declares", sourceName);
        var data = new byte[expected];
        int got = ReadUpTo(stream, data);
        if (got != expected) throw new KitException($"truncated: expected {expected} data bytes, read {got}", sourceName);
        return data;
    }

    /// <summary>Gzip: the decompressed length is unknown until the end, so grow the buffer as data
    /// actually arrives; a header that lies about its size cannot force a big allocation.</summary>
    static byte[] ReadExactlyGrowing(Stream body, long expected, string sourceName)
    {
        const int initialCapacity = 1 << 20;
        var data = new byte[Math.Min(expected, initialCapacity)];
        long filled = 0;
        while (filled < expected)
        {
            if (filled == data.Length) Array.Resize(ref data, (int)Math.Min(expected, (long)data.Length * 2));
            int n = body.Read(data, (int)filled, (int)(data.Length - filled));
            if (n == 0)
                throw new KitException($"truncated: the header declares {expected} data bytes but the decompressed data ends after {filled}", sourceName);
            filled += n;
        }
        if (body.ReadByte() != -1)
            throw new KitException($"unexpected trailing bytes after the {expected} data bytes the header declares (in the decompressed data)", sourceName);
        return data;
    }

    /// <summary>.NET's GZipStream reports a clean end when the 8-byte gzip trailer (CRC-32 and
    /// length) is cut off, so the data would pass unverified. The trailer's last field, ISIZE, is the
    /// decompressed length mod 2^32; if it is there and right, zlib has also checked the CRC.
    /// (A multi-member gzip file has the last member's length here and is refused; IDX files are
    /// single-member.)</summary>
    static void CheckGzipTrailer(Stream stream, long start, long decompressedLength, string sourceName)
    {
        Span<byte> isize = stackalloc byte[4];
        if (stream.Length - start < 18)
            throw new KitException("truncated gzip file (shorter than a gzip header and trailer)", sourceName);
        stream.Seek(-4, SeekOrigin.End);
        if (ReadUpTo(stream, isize) != 4 || BinaryPrimitives.ReadUInt32LittleEndian(isize) != (uint)decompressedLength)
            throw new KitException("truncated or damaged gzip file: its trailer does not record the " +
                                   $"{decompressedLength} decompressed bytes (or it is a multi-member gzip file)", sourceName);
    }

    static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
