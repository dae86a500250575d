using Farcluss.Runtime;

// Test classes run one after another: the trainer draws its initial weights from torch's global
// generator right after seeding it, so a class running in parallel that draws from the same global
// generator could change them and break the same-seed tests (seen once in CI:
// TrainerTests.The_same_seed_gives_identical_losses_and_weights).
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace Farcluss.Tests;

/// <summary>Loads TorchSharp's native library the way every kit program does, once per test run.</summary>
public static class Torch
{
    static Torch() => NativeLibTorch.EnsureLoadable();

    /// <summary>Call at the top of a test class's constructor before any torch call.</summary>
    public static void Ready() { }
}

/// <summary>
/// Makes TorchSharp's native library loadable before any test runs, whether or not its class calls
/// <see cref="Torch.Ready"/>: with an empty NuGet cache the library is unpatched until then, and a test that
/// touches torch first fails TorchSharp's type initializer for the whole run (154 tests failed so in a fresh
/// clone with an empty NUGET_PACKAGES, the first being SettingsBoundsTests).
/// </summary>
static class LoadTorchBeforeAnyTest
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Initialize() => Torch.Ready();
}

