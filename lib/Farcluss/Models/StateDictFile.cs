using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// Reads a state dict written in TorchSharp's format (what <c>Module.save</c> writes, and what
/// <c>data-scripts/convert-torchvision-weights.py</c> makes from a PyTorch .pth; the .pth itself is
/// read by <see cref="PthFile"/>): a ULEB128 entry
/// count, then per entry a length-prefixed UTF-8 name, a ULEB128 element type, a ULEB128 rank,
/// ULEB128 sizes and the raw little-endian elements. Read by the kit itself, not by
/// <c>Module.load</c>, so that every name can be checked and reported before anything is copied,
/// and so that a damaged or foreign file is a <see cref="KitException"/> naming it, checked against
/// the file's length before any tensor is allocated. The format holds names and numbers only; no
/// code. Taught in notebook 09.
/// </summary>
public static class StateDictFile
{
    const int MaxEntries = 100_000;
    const int MaxNameBytes = 4096;
    const int MaxRank = 8;

    /// <summary>Every tensor of the file by name, in file order, on the CPU. The caller disposes them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new KitException("weights file not found", path);
        using var stream = File.OpenRead(path);
        RefusePickles(stream, path);
        using var reader = new BinaryReader(stream);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            long count = reader.Read7BitEncodedInt64();
            if (count is < 1 or > MaxEntries) throw new KitException($"declares {count} tensors: not a TorchSharp state dict", path);
            for (long i = 0; i < count; i++)
            {
                int nameLength = reader.Read7BitEncodedInt();
                if (nameLength is < 1 or > MaxNameBytes) throw new KitException($"entry {i}: name of {nameLength} bytes: damaged file", path);
                var name = System.Text.Encoding.UTF8.GetString(reader.ReadBytes(nameLength));
                if (tensors.ContainsKey(name)) throw new KitException($"tensor '{name}' appears twice", path);
                tensors[name] = ReadTensor(reader, name, path);
            }
            if (stream.Position != stream.Length)
                throw new KitException($"{stream.Length - stream.Position} bytes after the last tensor: damaged file", path);
            return tensors;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw new KitException($"not a readable TorchSharp state dict ({e.Message})", path, e);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }

    static Tensor ReadTensor(BinaryReader reader, string name, string path)
    {
        long code = reader.Read7BitEncodedInt64();
        var (type, elementBytes) = code switch
        {
            0 => (ScalarType.Byte, 1),
            1 => (ScalarType.Int8, 1),
            2 => (ScalarType.Int16, 2),
            3 => (ScalarType.Int32, 4),
            4 => (ScalarType.Int64, 8),
            5 => (ScalarType.Float16, 2),
            6 => (ScalarType.Float32, 4),
            7 => (ScalarType.Float64, 8),
            11 => (ScalarType.Bool, 1),
            15 => (ScalarType.BFloat16, 2),
            _ => throw new KitException($"tensor '{name}': unknown element type code {code}", path),
        };
        long rank = reader.Read7BitEncodedInt64();
        if (rank is < 0 or > MaxRank) throw new KitException($"tensor '{name}': rank {rank}: damaged file", path);
        var shape = new long[rank];
        long bytes = elementBytes;
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        for (int d = 0; d < rank; d++)
        {
            shape[d] = reader.Read7BitEncodedInt64();
            if (shape[d] < 0 || (shape[d] > 0 && bytes > remaining / shape[d] + 1))
                throw new KitException($"tensor '{name}' [{string.Join(", ", shape[..(d + 1)])}…] is larger than the rest of the file: truncated or damaged", path);
            bytes *= shape[d];
        }
        remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (bytes > remaining) throw new KitException($"tensor '{name}' needs {bytes} bytes, the file has {remaining} left: truncated", path);
        var data = reader.ReadBytes((int)bytes);
        var tensor = empty(shape, type);
        tensor.bytes = data;
        return tensor;
    }

    /// <summary>A .pth is a zip holding a pickle (read by <see cref="PthFile"/>), or, before PyTorch 1.6, a bare
    /// pickle: say what to do instead.</summary>
    static void RefusePickles(Stream stream, string path)
    {
        var kind = TorchFiles.KindOf(stream);
        if (kind == TorchFileKind.Zip)
            throw new KitException("this is a PyTorch .pth file (a zip archive), not TorchSharp's format: read it with PthFile.Read " +
                                   "(model.backbone_weights takes either)", path);
        if (kind == TorchFileKind.Pickle)
            throw new KitException("this is a PyTorch file in the format before PyTorch 1.6 (a bare pickle), which the kit does not read: " +
                                   "re-save it with torch.save in PyTorch 1.6 or later, or convert it once with data-scripts/convert-torchvision-weights.py", path);
    }
}
