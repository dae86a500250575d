using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// Reads a PyTorch state dict as <c>torch.save</c> writes it (PyTorch ≥ 1.6): a zip archive whose one
/// folder holds <c>data.pkl</c>, the pickle that describes each tensor, and <c>data/&lt;key&gt;</c>, each
/// storage's raw little-endian elements. The pickle is read by <see cref="StateDictPickle"/>, which
/// refuses any file naming anything but tensors, storages and plain containers; then every storage is
/// checked against its zip entry and every tensor against its storage, and only then are tensors made.
/// So torchvision's ImageNet files load in C# with no Python. A name of torchvision's form
/// (<c>resnet101-63fe2227.pth</c>) is checked against the file's sha256, as torchvision does.
/// Taught in notebook 09.
/// </summary>
public static partial class PthFile
{
    const long MaxPickleBytes = 64 << 20;

    /// <summary>True when the file starts like a zip archive, as every .pth written by PyTorch ≥ 1.6 does.</summary>
    public static bool IsZip(string path) => TorchFiles.KindOf(path) == TorchFileKind.Zip;

    /// <summary>Every tensor of the state dict by name, in file order, on the CPU. The caller disposes them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new KitException("weights file not found", path);
        CheckTorchvisionHash(path);
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var folder = PickleFolder(archive, path);
            // Newer PyTorch versions write the byte order; older ones wrote little-endian files only.
            if (archive.GetEntry($"{folder}/byteorder") is { } order && System.Text.Encoding.ASCII.GetString(ReadAll(order, 16, path)).Trim() != "little")
                throw new KitException("the tensors were saved big-endian; re-save them on a little-endian machine", path);

            var pickle = archive.GetEntry($"{folder}/data.pkl")!;
            var tensors = StateDictPickle.Read(ReadAll(pickle, MaxPickleBytes, path), path);
            if (tensors.Count == 0) throw new KitException("the state dict holds no tensors", path);
            if (tensors.Select(t => t.Key).Distinct().Count() != tensors.Count) throw new KitException("a tensor name appears twice", path);

            // Everything is checked before the first tensor is allocated.
            var entries = new Dictionary<PthStorage, ZipArchiveEntry>();
            foreach (var storage in tensors.Select(t => t.Value.Storage).Distinct())
            {
                var entry = archive.GetEntry($"{folder}/data/{storage.Key}")
                    ?? throw new KitException($"storage '{storage.Key}' has no entry data/{storage.Key}: damaged file", path);
                if (storage.ElementCount > Array.MaxLength / ElementBytes(storage.Type))
                    throw new KitException($"storage '{storage.Key}' declares {storage.ElementCount} elements, more than the kit reads in one piece", path);
                long expected = storage.ElementCount * ElementBytes(storage.Type);
                if (entry.Length != expected)
                    throw new KitException($"data/{storage.Key} holds {entry.Length} bytes, its {storage.ElementCount} elements need {expected}: damaged file", path);
                entries[storage] = entry;
            }
            foreach (var (name, tensor) in tensors) CheckView(name, tensor, path);
            return Build(tensors, entries, path);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new KitException($"not a readable zip archive ({e.Message})", path, e);
        }
    }

    /// <summary>The one folder holding data.pkl (torch.save names it after the file, or "archive").</summary>
    static string PickleFolder(ZipArchive archive, string path)
    {
        var pickles = archive.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                 && e.FullName.Count(c => c == '/') == 1).ToList();
        return pickles.Count == 1 ? pickles[0].FullName[..^"/data.pkl".Length]
            : throw new KitException(pickles.Count == 0
                ? "a zip archive without <folder>/data.pkl: not a state dict saved by torch.save"
                : "a zip archive with more than one data.pkl", path);
    }

    /// <summary>A view must stay inside its storage: offset + Σ (size − 1)·stride &lt; element count.</summary>
    static void CheckView(string name, PthTensor tensor, string path)
    {
        if (tensor.Shape.Length > 8 || tensor.Shape.Any(s => s < 0) || tensor.Stride.Any(s => s < 0) || tensor.Offset < 0)
            throw new KitException($"tensor '{name}' has a negative size, stride or offset, or more than 8 dimensions: damaged file", path);
        if (tensor.Shape.Any(s => s == 0)) return;
        long last = tensor.Offset;
        checked
        {
            try
            {
                for (int d = 0; d < tensor.Shape.Length; d++) last += (tensor.Shape[d] - 1) * tensor.Stride[d];
            }
            catch (OverflowException)
            {
                last = long.MaxValue;
            }
        }
        if (last >= tensor.Storage.ElementCount)
            throw new KitException($"tensor '{name}' [{string.Join(", ", tensor.Shape)}] reaches element {last} of a storage of {tensor.Storage.ElementCount}: damaged file", path);
    }

    /// <summary>One storage at a time (its bytes, then a contiguous copy of each tensor viewing it), so that
    /// at most one storage is held beside the tensors made so far.</summary>
    static Dictionary<string, Tensor> Build(List<KeyValuePair<string, PthTensor>> tensors, Dictionary<PthStorage, ZipArchiveEntry> entries, string path)
    {
        var built = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var group in tensors.GroupBy(t => t.Value.Storage))
            {
                using var scope = NewDisposeScope();
                var storage = empty(group.Key.ElementCount, group.Key.Type);
                storage.bytes = ReadAll(entries[group.Key], entries[group.Key].Length, path);
                foreach (var (name, tensor) in group)
                {
                    var copy = empty(tensor.Shape, tensor.Storage.Type);
                    copy.copy_(storage.as_strided(tensor.Shape, tensor.Stride, tensor.Offset));
                    built[name] = copy.MoveToOuterDisposeScope();
                }
            }
            return tensors.ToDictionary(t => t.Key, t => built[t.Key], StringComparer.Ordinal); // file order
        }
        catch
        {
            foreach (var t in built.Values) t.Dispose();
            throw;
        }
    }

    static byte[] ReadAll(ZipArchiveEntry entry, long limit, string path)
    {
        if (entry.Length > limit) throw new KitException($"{entry.FullName} is {entry.Length} bytes, more than the {limit} expected", path);
        var bytes = new byte[entry.Length];
        using var stream = entry.Open();
        stream.ReadExactly(bytes);
        return bytes;
    }

    static long ElementBytes(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    [GeneratedRegex("-([0-9a-f]{8,})\\.pth$")]
    private static partial Regex TorchvisionName();

    /// <summary>torchvision names its files by the start of their sha256: a mismatch is a damaged or other file.</summary>
    static void CheckTorchvisionHash(string path)
    {
        var match = TorchvisionName().Match(Path.GetFileName(path));
        if (!match.Success) return;
        using var stream = File.OpenRead(path);
        var digest = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!digest.StartsWith(match.Groups[1].Value, StringComparison.Ordinal))
            throw new KitException($"sha256 {digest} does not start with {match.Groups[1].Value} (torchvision names its files by that prefix): " +
                                   "damaged or not the published file", path);
    }
}
