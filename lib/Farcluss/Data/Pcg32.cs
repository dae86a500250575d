namespace Farcluss.Data;

/// <summary>
/// A small, fully specified random number generator (PCG32, O'Neill 2014: 64-bit LCG state,
/// XSH-RR output) for data generation. The kit uses it instead of <see cref="System.Random"/>
/// because its output is defined by this file alone, so a seed produces the same canvases on
/// every .NET version and machine. Independent streams come from <see cref="Derive"/>: canvas i
/// of a split gets <c>Derive(seed, split, i)</c>, so canvases do not depend on each other's draws
/// and could be generated in any order. Not for the training path (that uses torch.Generator).
/// Taught in notebook 00.
/// </summary>
public struct Pcg32
{
    const ulong Multiplier = 6364136223846793005UL;
    ulong _state;
    readonly ulong _increment;

    /// <summary>Seeds a generator: <paramref name="seed"/> sets the state, <paramref name="stream"/> picks one of 2^63 sequences.</summary>
    public Pcg32(ulong seed, ulong stream = 0x14057b7ef767814fUL)
    {
        _increment = (stream << 1) | 1UL;
        _state = 0;
        NextUInt();
        _state = unchecked(_state + seed);
        NextUInt();
    }

    /// <summary>A generator for item <paramref name="index"/> of part <paramref name="part"/> of a run
    /// seeded with <paramref name="seed"/>: the three numbers are mixed with SplitMix64 so that
    /// neighbouring indices give unrelated sequences.</summary>
    public static Pcg32 Derive(long seed, ulong part, long index)
    {
        unchecked // wrap-around arithmetic is the point here, whatever the project's overflow setting
        {
            ulong mixed = SplitMix64((ulong)seed ^ SplitMix64(part * 0x9E3779B97F4A7C15UL + (ulong)index));
            return new Pcg32(mixed, SplitMix64(mixed ^ part));
        }
    }

    /// <summary>The next 32 random bits.</summary>
    public uint NextUInt()
    {
        ulong old = _state;
        _state = unchecked(old * Multiplier + _increment);
        uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        int rotation = (int)(old >> 59);
        return (xorShifted >> rotation) | (xorShifted << (-rotation & 31));
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), without modulo bias (rejection).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive");
        // Values below 2^32 mod bound would make the low residues more likely; redraw them.
        uint limit = (uint)((1UL << 32) % (uint)bound);
        while (true)
        {
            uint r = NextUInt();
            if (r >= limit) return (int)(r % (uint)bound);
        }
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        ulong bits = ((ulong)NextUInt() << 21) ^ (NextUInt() >> 11);
        return bits * (1.0 / (1UL << 53));
    }

    static ulong SplitMix64(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }
}
