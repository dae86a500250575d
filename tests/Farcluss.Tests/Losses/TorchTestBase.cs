using Farcluss.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

/// <summary>Loads libtorch before the first torch call and builds small hand-written tensors.</summary>
public abstract class TorchTestBase
{
    static TorchTestBase() => NativeLibTorch.EnsureLoadable();

    /// <summary>[1, C, H, W] from one row of C values per pixel, pixels in row-major order.</summary>
    protected static Tensor Pixels(int height, int width, params double[][] pixelRows)
    {
        int numClasses = pixelRows[0].Length;
        var flat = pixelRows.SelectMany(r => r.Select(v => (float)v)).ToArray();
        return torch.tensor(flat, new long[] { 1, height, width, numClasses }).permute(0, 3, 1, 2).contiguous();
    }

    /// <summary>[1, H, W] bool mask, pixels in row-major order.</summary>
    protected static Tensor Mask(int height, int width, params bool[] valid)
        => torch.tensor(valid, new long[] { 1, height, width });

    /// <summary>[1, H, W] float map, pixels in row-major order.</summary>
    protected static Tensor Map(int height, int width, params double[] values)
        => torch.tensor(values.Select(v => (float)v).ToArray(), new long[] { 1, height, width });

    /// <summary>The values of a tensor as doubles, row-major.</summary>
    protected static double[] Values(Tensor t) => t.detach().cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();

    protected static void AssertClose(double[] expected, Tensor actual, double tolerance = 1e-5)
    {
        var got = Values(actual);
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - got[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {got[i]}");
    }

    protected static void AssertClose(double expected, Tensor actual, double tolerance = 1e-5)
        => AssertClose(new[] { expected }, actual, tolerance);
}
