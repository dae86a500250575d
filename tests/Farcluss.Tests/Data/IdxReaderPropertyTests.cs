using CsCheck;
using Farcluss.Data;

namespace Farcluss.Tests.Data;

/// <summary>Random damage to a valid IDX pair: every result is either a consistent load or a
/// KitException, never another exception type, a hang or an inconsistent result.</summary>
public class IdxReaderPropertyTests
{
    static readonly byte[] ValidImages = IdxBytes.Images(3, 4, 5, i => (byte)(i * 7 % 256));
    static readonly byte[] ValidLabels = IdxBytes.Labels([1, 8, 0]);

    enum Damage { FlipBit, Truncate, Insert }

    sealed record Mutation(bool OnImages, bool Gzipped, Damage Damage, int Position, int Bit, byte[] Inserted)
    {
        public override string ToString() =>
            $"{(OnImages ? "images" : "labels")} {(Gzipped ? "gz" : "raw")} {Damage} at {Position} bit {Bit} insert [{string.Join(",", Inserted)}]";
    }

    static readonly Gen<Mutation> Mutations =
        from onImages in Gen.Bool
        from gzipped in Gen.Bool
        from damage in Gen.Enum<Damage>()
        from position in Gen.Int[0, 1000]
        from bit in Gen.Int[0, 7]
        from inserted in Gen.Byte.Array[1, 8]
        select new Mutation(onImages, gzipped, damage, position, bit, inserted);

    static byte[] Apply(Mutation m, byte[] file)
    {
        int at = m.Position % (file.Length + (m.Damage == Damage.Insert ? 1 : 0));
        return m.Damage switch
        {
            Damage.FlipBit => Flip(file, at, m.Bit),
            Damage.Truncate => file[..at],
            _ => [.. file[..at], .. m.Inserted, .. file[at..]],
        };
    }

    static byte[] Flip(byte[] file, int at, int bit)
    {
        var copy = (byte[])file.Clone();
        copy[at] ^= (byte)(1 << bit);
        return copy;
    }

    [Fact]
    public void EveryMutationLoadsConsistentlyOrThrowsKitException()
    {
        int loaded = 0, refused = 0;
        Mutations.Sample(m =>
        {
            var images = m.Gzipped ? IdxBytes.Gzip(ValidImages) : ValidImages;
            var labels = m.Gzipped ? IdxBytes.Gzip(ValidLabels) : ValidLabels;
            if (m.OnImages) images = Apply(m, images); else labels = Apply(m, labels);
            try
            {
                var (imageStack, labelArray) = IdxReader.LoadPair(new MemoryStream(images), "images", new MemoryStream(labels), "labels");
                Assert.Equal(imageStack.Count * imageStack.Rows * imageStack.Cols, imageStack.Pixels.Length);
                Assert.Equal(imageStack.Count, labelArray.Length);
                Interlocked.Increment(ref loaded);
                // A raw file loses or gains bytes → must be refused, since the length must match exactly
                // (unless an insertion inside the header happens to declare the new length, which
                // random bytes almost never do; so only truncation is asserted strictly).
                Assert.False(!m.Gzipped && m.Damage == Damage.Truncate, "a truncated raw file was accepted");
            }
            catch (KitException e)
            {
                Assert.False(string.IsNullOrEmpty(e.FilePath));
                Interlocked.Increment(ref refused);
            }
        }, iter: 4000);
        // Both outcomes must actually happen, or the generator is not testing anything.
        Assert.True(loaded > 100 && refused > 100, $"loaded {loaded}, refused {refused}");
    }

    [Fact]
    public void FlippingAPixelBitOfARawFileStillLoadsWithThatByteChanged()
    {
        Gen.Int[16, ValidImages.Length - 1].Select(Gen.Int[0, 7]).Sample((at, bit) =>
        {
            var damaged = Flip(ValidImages, at, bit);
            var stack = IdxReader.ReadImages(new MemoryStream(damaged), "images");
            Assert.Equal(damaged[16..], stack.Pixels);
        }, iter: 500);
    }
}
