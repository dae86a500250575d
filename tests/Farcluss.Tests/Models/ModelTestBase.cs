using Farcluss.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

/// <summary>Loads libtorch before the first torch call and holds the models tests' small helpers.</summary>
public abstract class ModelTestBase
{
    static ModelTestBase() => NativeLibTorch.EnsureLoadable();

    protected static long[] Shape(Tensor t) => t.shape;

    protected static long CountParameters(IEnumerable<TorchSharp.Modules.Parameter> parameters) => parameters.Sum(p => p.numel());

    /// <summary>
    /// A fixed batch of grey 32×32 images, each black with one bright (1.0) square of side 8–15
    /// at a random place, and its mask (1 inside the square, 0 outside). Built with broadcast
    /// comparisons, not per-pixel loops.
    /// </summary>
    protected static (Tensor Images, Tensor Masks) BrightSquares(int count, int size, Generator generator)
    {
        var sides = torch.randint(8, 16, new long[] { count, 1, 1 }, generator: generator);
        var tops = (torch.rand(new long[] { count, 1, 1 }, generator: generator) * (size - sides + 1)).floor().to(ScalarType.Int64);
        var lefts = (torch.rand(new long[] { count, 1, 1 }, generator: generator) * (size - sides + 1)).floor().to(ScalarType.Int64);
        var rows = torch.arange(size).view(1, size, 1);
        var cols = torch.arange(size).view(1, 1, size);
        var inside = rows.ge(tops) & rows.lt(tops + sides) & cols.ge(lefts) & cols.lt(lefts + sides);
        return (inside.to(ScalarType.Float32).unsqueeze(1), inside.to(ScalarType.Int64));
    }
}
