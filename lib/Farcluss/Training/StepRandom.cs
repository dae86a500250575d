using TorchSharp;

namespace Farcluss.Training;

/// <summary>Derives independent seeds from (seed, stream) pairs, so step t's randomness is f(seed, t).</summary>
public static class StepRandom
{
    /// <summary>SplitMix64 of the pair: well spread, cheap, stable across platforms.</summary>
    public static long Mix(long seed, long stream)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) & 0x7FFFFFFFFFFFFFFFUL);
    }

    /// <summary>A generator for step <paramref name="step"/> of a run with <paramref name="seed"/>.</summary>
    public static torch.Generator ForStep(long seed, long step, torch.Device? device = null) =>
        new((ulong)Mix(Mix(seed, 7919), step), device ?? torch.CPU);
}
