using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>One storage of a .pth file: the zip entry <c>data/&lt;Key&gt;</c> holding <paramref name="ElementCount"/> elements.</summary>
public sealed record PthStorage(string Key, ScalarType Type, long ElementCount);

/// <summary>One tensor of a .pth file: a view of a storage, as <c>torch._utils._rebuild_tensor_v2</c> describes it.</summary>
public sealed record PthTensor(PthStorage Storage, long Offset, long[] Shape, long[] Stride);

/// <summary>
/// Reads the pickle (<c>data.pkl</c>) of a PyTorch state dict saved by <c>torch.save</c> without running
/// or constructing anything that the file names: it is not Python's unpickler but a small reader of
/// the opcodes that state dicts use, whose only values are strings, integers, floats, booleans, None,
/// tuples, lists, dicts and the two records above. The file may name exactly these globals, each checked against
/// the list the moment it is read, before anything is pushed: <c>collections.OrderedDict</c> (called
/// with no arguments: an empty dict), <c>torch._utils._rebuild_tensor_v2</c> (called with a storage,
/// offset, shape and stride: a <see cref="PthTensor"/> record, no tensor yet) and the storage types
/// <c>torch.FloatStorage</c> … (only inside a storage's persistent id, never called). Any other
/// global (<c>os.system</c>, <c>builtins.eval</c>, a .NET type name), any other call, and any other
/// opcode is a <see cref="KitException"/>. Nothing here looks a name up in Python or .NET: a name is
/// compared with the list as a string, and no reflection is used (a test checks this file for it).
/// Taught in notebook 09.
/// </summary>
public static class StateDictPickle
{
    const int MaxMemo = 10_000_000;
    const int MaxStack = 10_000_000;

    /// <summary>The storage types a state dict may name, and the element type each holds.</summary>
    static readonly Dictionary<string, ScalarType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["torch.FloatStorage"] = ScalarType.Float32, ["torch.DoubleStorage"] = ScalarType.Float64,
        ["torch.HalfStorage"] = ScalarType.Float16, ["torch.BFloat16Storage"] = ScalarType.BFloat16,
        ["torch.LongStorage"] = ScalarType.Int64, ["torch.IntStorage"] = ScalarType.Int32,
        ["torch.ShortStorage"] = ScalarType.Int16, ["torch.CharStorage"] = ScalarType.Int8,
        ["torch.ByteStorage"] = ScalarType.Byte, ["torch.BoolStorage"] = ScalarType.Bool,
    };

    /// <summary>A global from the list; nothing else ever reaches the stack.</summary>
    sealed record Global(string Name);
    static readonly Global OrderedDict = new("collections.OrderedDict");
    static readonly Global RebuildTensor = new("torch._utils._rebuild_tensor_v2");

    /// <summary>A Python dict (or OrderedDict), in insertion order.</summary>
    sealed class Dict
    {
        public readonly List<KeyValuePair<object?, object?>> Items = [];
    }

    static readonly object Mark = new();

    /// <summary>The globals a state dict may name, for the error message.</summary>
    public static string Allowed => $"{OrderedDict.Name}, {RebuildTensor.Name} and torch.*Storage";

    /// <summary>The state dict's tensors by name, in file order. A dict holding "state_dict" (a training
    /// checkpoint) gives that entry's tensors, as data-scripts/convert-torchvision-weights.py does.</summary>
    public static List<KeyValuePair<string, PthTensor>> Read(byte[] pickle, string path)
    {
        var result = Run(pickle, path);
        if (result is not Dict top) throw new KitException($"the pickle holds {Describe(result)}, not a state dict", path);
        if (top.Items.FirstOrDefault(i => i.Key as string == "state_dict").Value is Dict inner) top = inner;
        var tensors = new List<KeyValuePair<string, PthTensor>>();
        foreach (var (key, value) in top.Items)
        {
            if (key is not string name) throw new KitException($"the state dict has a key that is {Describe(key)}, not a name", path);
            if (value is not PthTensor tensor) throw new KitException($"'{name}' is {Describe(value)}, not a tensor: not a state dict of tensors", path);
            tensors.Add(new(name, tensor));
        }
        return tensors;
    }

    static object? Run(byte[] pickle, string path) => new Reader(pickle, path).Run();

    /// <summary>The reader's state: the pickle, where it is, its stack and memo, and the storages seen so far.</summary>
    sealed class Reader(byte[] pickle, string path)
    {
        readonly List<object?> stack = [];
        readonly Dictionary<long, object?> memo = [];
        readonly Dictionary<string, PthStorage> storages = new(StringComparer.Ordinal);
        int position, opcodeAt;

        public object? Run()
        {
            while (true)
            {
                opcodeAt = position;
                byte opcode = Take(1)[0];
                if (opcode == (byte)'.') return stack.Count == 1 ? stack[0] : throw Refuse("the pickle stops with a stack that is not one value"); // STOP
                if (!PushValue(opcode)) Operate(opcode);
            }
        }

        /// <summary>The opcodes that push one literal value: numbers, strings, booleans, None, empty containers, tuples.</summary>
        bool PushValue(byte opcode)
        {
            switch (opcode)
            {
                case (byte)'}': Push(new Dict()); break;                                                       // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;                                              // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break;                                           // EMPTY_TUPLE
                case (byte)'t': Push(PopToMark()); break;                                                      // TUPLE
                case 0x85: Push(new[] { Pop() }); break;                                                       // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }                      // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }    // TUPLE3
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;                    // BINFLOAT
                case (byte)'X': Push(Encoding.UTF8.GetString(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(Take(Take(1)[0]))); break;                             // SHORT_BINUNICODE
                case (byte)'K': Push((long)Take(1)[0]); break;                                                 // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;           // BININT2
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;            // BININT
                case 0x8a:                                                                                     // LONG1
                {
                    var bytes = Take(Take(1)[0]);
                    if (bytes.Length > 8) throw Refuse("an integer wider than 64 bits");
                    Push((long)new BigInteger(bytes, isUnsigned: false, isBigEndian: false));
                    break;
                }
                case 0x88: Push(true); break;                                                                  // NEWTRUE
                case 0x89: Push(false); break;                                                                 // NEWFALSE
                case (byte)'N': Push(null); break;                                                             // NONE
                default: return false;
            }
            return true;
        }

        /// <summary>Every other opcode a state dict uses: framing, globals, the memo, calls and filling containers.</summary>
        void Operate(byte opcode)
        {
            switch (opcode)
            {
                case 0x80: if (Take(1)[0] is < 2 or > 5) throw Refuse("not pickle protocol 2–5"); break;    // PROTO
                case 0x95: Take(8); break;                                                                     // FRAME
                case (byte)'c': Push(NameGlobal(Line(), Line())); break;                                       // GLOBAL
                case 0x93:                                                                                     // STACK_GLOBAL
                {
                    var name = Pop() as string ?? throw Refuse("STACK_GLOBAL without a name");
                    var module = Pop() as string ?? throw Refuse("STACK_GLOBAL without a module");
                    Push(NameGlobal(module, name));
                    break;
                }
                case (byte)'(': Push(Mark); break;                                                             // MARK
                case (byte)'a': { var item = Pop(); TopList("APPEND").Add(item); break; }                        // APPEND
                case (byte)'e': { var items = PopToMark(); TopList("APPENDS").AddRange(items); break; }          // APPENDS
                case (byte)'q': Remember(Take(1)[0]); break;                                                   // BINPUT
                case (byte)'r': Remember(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;             // LONG_BINPUT
                case 0x94: Remember(memo.Count); break;                                                        // MEMOIZE
                case (byte)'h': Recall(Take(1)[0]); break;                                                     // BINGET
                case (byte)'j': Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break;               // LONG_BINGET
                case (byte)'Q': Push(Storage(Pop(), storages, Refuse)); break;                                 // BINPERSID
                case (byte)'R': { var arguments = Pop(); Push(Call(Pop(), arguments, Refuse)); break; }       // REDUCE
                case (byte)'s': { var value = Pop(); var key = Pop(); SetItems(TopDict("SETITEM"), [key, value]); break; } // SETITEM
                case (byte)'u':                                                                                // SETITEMS
                {
                    var pairs = PopToMark();
                    if (pairs.Length % 2 != 0) throw Refuse("SETITEMS with a key and no value");
                    SetItems(TopDict("SETITEMS"), pairs);
                    break;
                }
                case (byte)'b':                                                                                // BUILD
                    // An OrderedDict's attributes: torch.save keeps the state dict's _metadata (module versions) here. Not needed.
                    if (Pop() is not Dict || stack.Count == 0 || stack[^1] is not Dict) throw Refuse("BUILD on something other than a dict");
                    break;
                default:
                    throw Refuse($"opcode 0x{opcode:x2} ('{(opcode is >= 0x20 and < 0x7f ? (char)opcode : '?')}'), which state dicts do not use");
            }
        }

        KitException Refuse(string why) => new($"data.pkl at byte {opcodeAt}: {why}; refused before any tensor was made", path);

        ReadOnlySpan<byte> Take(long count)
        {
            if (count < 0 || count > pickle.Length - position) throw Refuse("the pickle ends in the middle of an opcode (damaged file)");
            var span = pickle.AsSpan(position, (int)count);
            position += (int)count;
            return span;
        }

        string Line()
        {
            int end = Array.IndexOf(pickle, (byte)'\n', position);
            if (end < 0) throw Refuse("the pickle ends in the middle of an opcode (damaged file)");
            return Encoding.UTF8.GetString(Take(end - position + 1)[..^1]);
        }

        void Push(object? value)
        {
            if (stack.Count >= MaxStack) throw Refuse("too many values on the pickle's stack");
            stack.Add(value);
        }

        object? Pop()
        {
            if (stack.Count == 0 || stack[^1] == Mark) throw Refuse("an opcode takes a value the pickle never gave (damaged file)");
            var value = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return value;
        }

        object?[] PopToMark()
        {
            int mark = stack.LastIndexOf(Mark);
            if (mark < 0) throw Refuse("an opcode needs a MARK the pickle never set (damaged file)");
            var items = stack.GetRange(mark + 1, stack.Count - mark - 1).ToArray();
            stack.RemoveRange(mark, stack.Count - mark);
            return items;
        }

        // The one place a name from the file is looked at: compared, as a string, with the list.
        Global NameGlobal(string module, string name)
        {
            string full = $"{module}.{name}";
            if (full == OrderedDict.Name) return OrderedDict;
            if (full == RebuildTensor.Name) return RebuildTensor;
            if (StorageTypes.ContainsKey(full)) return new Global(full);
            bool wholeModule = full.StartsWith("torch.nn.", StringComparison.Ordinal) || full == "torch._utils._rebuild_parameter";
            throw Refuse($"the pickle names {full}, and a state dict of tensors names only {Allowed}" +
                         (wholeModule ? " (a whole model saved with torch.save(model)? save model.state_dict() instead)" : ""));
        }

        void Remember(long index)
        {
            if (stack.Count == 0 || stack[^1] == Mark) throw Refuse("memo store with nothing to store (damaged file)");
            if (memo.Count >= MaxMemo) throw Refuse("too many memo entries");
            memo[index] = stack[^1];
        }

        void Recall(long index) => Push(memo.TryGetValue(index, out var value) ? value : throw Refuse($"memo entry {index} was never stored (damaged file)"));

        Dict TopDict(string opcode) => stack.Count > 0 && stack[^1] is Dict d ? d : throw Refuse($"{opcode} on something that is not a dict");

        List<object?> TopList(string opcode) => stack.Count > 0 && stack[^1] is List<object?> l ? l : throw Refuse($"{opcode} on something that is not a list");

        static void SetItems(Dict dict, object?[] pairs)
        {
            for (int i = 0; i + 1 < pairs.Length; i += 2) dict.Items.Add(new(pairs[i], pairs[i + 1]));
        }
    }

    /// <summary>A storage's persistent id: ('storage', torch.XStorage, key, location, element count).</summary>
    static PthStorage Storage(object? id, Dictionary<string, PthStorage> storages, Func<string, KitException> refuse)
    {
        if (id is not object?[] { Length: 5 } parts || parts[0] as string != "storage" || parts[1] is not Global type
            || !StorageTypes.TryGetValue(type.Name, out var scalarType) || parts[2] is not string key || parts[3] is not string
            || parts[4] is not long count || count < 0)
            throw refuse($"a persistent id that is not ('storage', torch.<type>Storage, key, location, size): {Describe(id)}");
        // The key names a zip entry: only the digits (or letters) torch.save writes, never a path.
        if (key.Length is 0 or > 64 || !key.All(char.IsAsciiLetterOrDigit)) throw refuse($"storage key '{key}' is not a plain name");
        var storage = new PthStorage(key, scalarType, count);
        if (storages.TryGetValue(key, out var seen) && seen != storage) throw refuse($"storage '{key}' is described twice, differently");
        return storages[key] = storage;
    }

    /// <summary>REDUCE: the only calls a state dict makes. Anything else is refused, not called.</summary>
    static object Call(object? callable, object? arguments, Func<string, KitException> refuse)
    {
        if (ReferenceEquals(callable, OrderedDict) && arguments is object?[] { Length: 0 }) return new Dict();
        if (ReferenceEquals(callable, RebuildTensor) && arguments is object?[] { Length: 6 or 7 } a && a[0] is PthStorage storage
            && a[1] is long offset && Longs(a[2]) is { } shape && Longs(a[3]) is { } stride && shape.Length == stride.Length
            && a[4] is bool && a[5] is Dict { Items.Count: 0 } && (a.Length == 6 || a[6] is null or Dict { Items.Count: 0 }))
            return new PthTensor(storage, offset, shape, stride);
        throw refuse($"REDUCE calls {Describe(callable)} with {Describe(arguments)}; a state dict only calls " +
                     $"{OrderedDict.Name}() and {RebuildTensor.Name}(storage, offset, shape, stride, requires_grad, no hooks)");
    }

    static long[]? Longs(object? tuple) => tuple is object?[] items && items.All(i => i is long) ? items.Select(i => (long)i!).ToArray() : null;

    static string Describe(object? value) => value switch
    {
        null => "None",
        Global g => g.Name,
        string s => $"the string '{(s.Length > 40 ? s[..40] + "…" : s)}'",
        long n => $"the integer {n}",
        double x => $"the number {x}",
        List<object?> l => $"a list of {l.Count}",
        bool b => b ? "True" : "False",
        Dict d => $"a dict of {d.Items.Count}",
        PthStorage => "a storage",
        PthTensor => "a tensor",
        object?[] t => $"({string.Join(", ", t.Take(6).Select(Describe))}{(t.Length > 6 ? ", …" : "")})",
        _ => "a value",
    };
}
