using System.Buffers.Binary;
using System.Xml.Linq;
using Farcluss.Data;
using Farcluss.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, item 8: ImageSharp 2.1.13 is listed as affected by advisories in its TIFF codec and in ICC profile
/// parsing. The kit's decoding path (<see cref="SafeImageReader.Decoders"/>) registers PNG and JPEG only, and its
/// JPEG decoder ignores metadata, so a JPEG carrying an ICC segment, even a garbage one, is decoded without the
/// segment being parsed. NuGet's vulnerability audit stays on, so an advisory shows at every restore.
/// </summary>
public class ImageDecoderTests
{
    /// <summary>A 4×4 JPEG (mid grey) with an APP2 "ICC_PROFILE" segment right after SOI holding
    /// <paramref name="profile"/>: chunk 1 of 1, as the ICC specification lays a profile into JPEG.</summary>
    static byte[] JpegWithIcc(byte[] profile)
    {
        using var image = new Image<Rgb24>(4, 4, new Rgb24(128, 128, 128));
        using var encoded = new MemoryStream();
        image.SaveAsJpeg(encoded);
        var jpeg = encoded.ToArray();
        var segment = new List<byte> { 0xFF, 0xE2, 0, 0 };
        segment.AddRange("ICC_PROFILE\0"u8.ToArray());
        segment.AddRange([1, 1]);
        segment.AddRange(profile);
        BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(segment)[2..], (ushort)(segment.Count - 2));
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A 132-byte "profile": a header with what ImageSharp checks before it keeps a profile (its size, data colour
    /// space 'RGB ', connection space 'XYZ ', rendering intent 0, the 'acsp' signature), then a tag table claiming
    /// 2³¹ − 1 tags in a 4-byte table; every other byte 0xEE.</summary>
    static byte[] GarbageProfile()
    {
        var profile = Enumerable.Repeat((byte)0xEE, 132).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(profile, 132);
        "RGB XYZ "u8.CopyTo(profile.AsSpan(16));
        "acsp"u8.CopyTo(profile.AsSpan(36));
        BinaryPrimitives.WriteUInt32BigEndian(profile.AsSpan(64), 0);
        BinaryPrimitives.WriteUInt32BigEndian(profile.AsSpan(128), int.MaxValue);
        return profile;
    }

    [Fact]
    public void TheKitsDecodersAreOnlyPngAndJpeg()
    {
        Assert.Equal(["JPEG", "PNG"], SafeImageReader.Decoders.ImageFormats.Select(f => f.Name).Order());
        Assert.DoesNotContain(SafeImageReader.Decoders.ImageFormats, f => f.Name.Contains("TIF", StringComparison.OrdinalIgnoreCase));
        // A TIFF (little-endian header "II*\0", first directory at offset 8, zero entries) is not recognised, so not decoded.
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("a.tif"), [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var e = Assert.Throws<KitException>(() => SafeImageReader.ReadImage(dir.File("a.tif")));
        Assert.Equal($"{dir.File("a.tif")}: not a PNG or JPEG image (unrecognised header)", e.Message);
    }

    [Fact]
    public void AJpegWithAGarbageIccSegmentDecodesWithoutItsProfileBeingRead()
    {
        var bytes = JpegWithIcc(GarbageProfile());
        // The segment is really there: ImageSharp's default JPEG decoder parses its header and keeps it as the image's profile.
        using (var withDefaults = Image.Load<Rgb24>(new Configuration(new JpegConfigurationModule()), bytes))
            Assert.NotNull(withDefaults.Metadata.IccProfile);
        // The kit's decoders skip it: no profile at all, in the header read and in the decode.
        Assert.Null(Image.Identify(SafeImageReader.Decoders, new MemoryStream(bytes)).Metadata.IccProfile);
        using (var kits = Image.Load<Rgb24>(SafeImageReader.Decoders, bytes)) Assert.Null(kits.Metadata.IccProfile);
        // And the kit's reader returns the pixels: 3×4×4 bytes, grey 128 give or take JPEG's rounding.
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("icc.jpg"), bytes);
        using var tensor = SafeImageReader.ReadImage(dir.File("icc.jpg"));
        Assert.Equal(new long[] { 3, 4, 4 }, tensor.shape);
        Assert.InRange(tensor.to_type(TorchSharp.torch.ScalarType.Int32).sub(128).abs().max().item<int>(), 0, 2);
    }

    [Fact]
    public void NuGetsVulnerabilityAuditStaysOn()
    {
        var root = MnistTestData.RepoRoot();
        var props = XDocument.Load(Path.Combine(root, "Directory.Build.props"));
        Assert.Equal("true", props.Descendants("NuGetAudit").Single().Value);
        Assert.Equal("all", props.Descendants("NuGetAuditMode").Single().Value);
        // No project silences the audit's warnings (NU1901–NU1904) or turns the audit off.
        var projects = Directory.EnumerateFiles(root, "*.*proj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(root, "*.props", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
        foreach (var project in projects)
        {
            var text = File.ReadAllText(project);
            Assert.DoesNotMatch(@"NU190[1-4]", text);
            Assert.DoesNotMatch(@"<NuGetAudit>\s*false", text);
        }
    }
}
