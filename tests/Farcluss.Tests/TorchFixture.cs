using Farcluss.Runtime;

namespace Farcluss.Tests;

/// <summary>Loads TorchSharp's native library the way every kit program does, once per test run.</summary>
public static class Torch
{
    static Torch() => NativeLibTorch.EnsureLoadable();

    /// <summary>Call at the top of a test class's constructor before any torch call.</summary>
    public static void Ready() { }
}
