using Farcluss.Data;

namespace Farcluss.Tests.Data;

public class Pcg32Tests
{
    [Fact]
    public void MatchesTheReferenceImplementation()
    {
        // pcg32-demo from the PCG reference C code, pcg32_srandom_r(&rng, 42, 54), prints these first outputs.
        var rng = new Pcg32(42, 54);
        uint[] expected = [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e];
        Assert.Equal(expected, expected.Select(_ => rng.NextUInt()).ToArray());
    }

    [Fact]
    public void BoundedDrawsAreInRangeAndRoughlyUniform()
    {
        var rng = new Pcg32(7);
        var counts = new int[6];
        for (int i = 0; i < 60_000; i++) counts[rng.NextInt(6)]++;
        // Expected 10000 each, sd = sqrt(60000 · 1/6 · 5/6) ≈ 91: ±500 is > 5 sd.
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        double u = rng.NextDouble();
        Assert.InRange(u, 0.0, 1.0 - double.Epsilon);
    }

    [Fact]
    public void DerivedStreamsDifferAndRepeat()
    {
        var a = Pcg32.Derive(0, 1, 0);
        var b = Pcg32.Derive(0, 1, 1);
        var c = Pcg32.Derive(0, 2, 0);
        var again = Pcg32.Derive(0, 1, 0);
        uint first = a.NextUInt();
        Assert.NotEqual(first, b.NextUInt());
        Assert.NotEqual(first, c.NextUInt());
        Assert.Equal(first, again.NextUInt());
    }
}
