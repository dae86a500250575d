using System.IO.Compression;
using System.Text;

namespace Farcluss.Tests.Models;

/// <summary>
/// Writes .pth files by hand, opcode by opcode (pickle protocol 2, as torch.save writes them), so that
/// the tests can make the hostile and damaged files that PyTorch itself would not write, with no
/// Python on the machine. <see cref="Zip"/> lays them out as torch.save does: archive/data.pkl and
/// archive/data/&lt;key&gt;, stored uncompressed.
/// </summary>
sealed class CraftedPth
{
    readonly List<byte> _bytes = [0x80, 2]; // PROTO 2

    public CraftedPth Op(char opcode) { _bytes.Add((byte)opcode); return this; }
    public CraftedPth Op(byte opcode) { _bytes.Add(opcode); return this; }

    public CraftedPth Global(string module, string name) =>
        Op('c').Raw(Encoding.UTF8.GetBytes($"{module}\n{name}\n"));

    public CraftedPth Text(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Op('X').Raw(BitConverter.GetBytes(utf8.Length)).Raw(utf8);
    }

    public CraftedPth Int(int value) => Op('J').Raw(BitConverter.GetBytes(value));

    public CraftedPth Raw(byte[] bytes) { _bytes.AddRange(bytes); return this; }

    /// <summary>`module.name(argument)`: GLOBAL, the argument, TUPLE1, REDUCE.</summary>
    public CraftedPth Call(string module, string name, string argument) => Global(module, name).Text(argument).Op(0x85).Op('R');

    /// <summary>torch._utils._rebuild_tensor_v2(('storage', torch.FloatStorage, key, 'cpu', count), offset, shape, stride, False, OrderedDict()).</summary>
    public CraftedPth FloatTensor(string key, int count, int offset, int[] shape, int[] stride, string storageType = "FloatStorage")
    {
        Global("torch._utils", "_rebuild_tensor_v2").Op('(');
        Op('(').Text("storage").Global("torch", storageType).Text(key).Text("cpu").Int(count).Op('t').Op('Q');
        Int(offset).Op('(');
        foreach (var size in shape) Int(size);
        Op('t').Op('(');
        foreach (var step in stride) Int(step);
        return Op('t').Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R');
    }

    public byte[] Bytes(bool stop = true) => stop ? [.. _bytes, (byte)'.'] : [.. _bytes];

    /// <summary>A zip laid out as torch.save lays it out, with the given storages (key → float values).</summary>
    public string Zip(string path, Dictionary<string, float[]>? storages = null, bool stop = true, string? byteOrder = null)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        Write(archive, "archive/data.pkl", Bytes(stop));
        if (byteOrder is not null) Write(archive, "archive/byteorder", Encoding.ASCII.GetBytes(byteOrder));
        foreach (var (key, values) in storages ?? [])
            Write(archive, $"archive/data/{key}", values.SelectMany(BitConverter.GetBytes).ToArray());
        Write(archive, "archive/version", "3\n"u8.ToArray());
        return path;
    }

    static void Write(ZipArchive archive, string name, byte[] bytes)
    {
        using var stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(bytes);
    }
}
