namespace Farcluss;

/// <summary>
/// Tells PyTorch's pickle-based files from the kit's own by their first bytes, for every reader of weights
/// (<c>Checkpoint</c>, <c>StateDictFile</c>, <c>PthFile</c>): unpickling runs whatever the file says, so each
/// reader refuses a pickle it cannot read safely with a message saying what the file is.
/// </summary>
public static class TorchFiles
{
    /// <summary>The kind of <paramref name="stream"/> from its next four bytes; the position is left where it was.</summary>
    public static TorchFileKind KindOf(Stream stream)
    {
        if (!stream.CanSeek) return TorchFileKind.Other;
        long start = stream.Position;
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = start;
        if (read == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return TorchFileKind.Zip;
        if (read >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return TorchFileKind.Pickle;
        return TorchFileKind.Other;
    }

    /// <summary>The kind of the file at <paramref name="path"/>.</summary>
    public static TorchFileKind KindOf(string path)
    {
        using var stream = File.OpenRead(path);
        return KindOf(stream);
    }
}
