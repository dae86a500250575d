using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Farcluss.Tests.Data;

/// <summary>
/// The full-scale data scripts, on the paths that need no network: a file:// mirror, files with the
/// wrong hash or structure, an unreachable source, a missing login. (The real downloads cannot be run
/// here: this machine reaches none of those hosts.)
/// </summary>
public class FullScaleScriptTests
{
    static readonly string Scripts = Path.Combine(MnistTestData.RepoRoot(), "data-scripts");

    static (int ExitCode, string Stdout, string Stderr) Run(string script, Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Scripts, script), .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment.Remove("CITYSCAPES_USERNAME");
        start.Environment.Remove("CITYSCAPES_PASSWORD");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>Nothing but the given top-level entries is left in the data folder (no work folders, no partial files).</summary>
    static void OnlyLeft(TempDirectory data, params string[] names) =>
        Assert.Equal(names.Order(), Directory.GetFileSystemEntries(data.Path).Select(p => Path.GetFileName(p)!).Order());

    [Fact]
    public void TheManifestIsSplitsMdsTable()
    {
        var lines = File.ReadAllLines(Path.Combine(Scripts, "splits.sha256")).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(35, lines.Count); // 11 Cityscapes files + 24 Pascal files in SPLITS.md
        Assert.Contains("8a02aa6a1253178b105bd25b36f0a27daeedf6b3959f399aa47d24783f3a8306  splits/pascal/92/labeled.txt", lines);
        Assert.Contains("cf5aa35c0e4446bc684b61b6be88e22299ef7b1851852b53fc6a34794f161544  splits/cityscapes/val.txt", lines);
        Assert.All(lines, l => Assert.Matches("^[0-9a-f]{64}  splits/(pascal|cityscapes)/[a-z0-9_/]+\\.txt$", l));
    }

    [Fact]
    public void FetchSplitsCopiesCheckedFilesFromAMirrorAndSkipsOnRerun()
    {
        using var mirror = new TempDirectory();
        using var data = new TempDirectory();
        const string content = "JPEGImages/a.jpg SegmentationClass/a.png\nJPEGImages/b.jpg SegmentationClass/b.png";
        Directory.CreateDirectory(mirror.File("splits/pascal/92"));
        File.WriteAllText(mirror.File("splits/pascal/92/labeled.txt"), content);
        File.WriteAllText(mirror.File("manifest"), $"# test\n{Sha256(content)}  splits/pascal/92/labeled.txt\n");
        var environment = new Dictionary<string, string>
        {
            ["FARCLUSS_DATA"] = data.Path, ["FARCLUSS_SPLITS_URL"] = "file://" + mirror.Path, ["FARCLUSS_SPLITS_MANIFEST"] = mirror.File("manifest"),
        };

        var first = Run("fetch-splits.sh", environment);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(content, File.ReadAllText(data.File("splits/pascal/92/labeled.txt")));
        OnlyLeft(data, "splits");

        var second = Run("fetch-splits.sh", environment);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("all 1 split lists present", second.Stdout);

        File.AppendAllText(data.File("splits/pascal/92/labeled.txt"), "\n"); // one newline more: not the published file
        var changed = Run("fetch-splits.sh", environment);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("exists but its sha256 is", changed.Stderr);
    }

    [Fact]
    public void FetchSplitsWritesNothingWhenOneFileHasTheWrongHash()
    {
        using var mirror = new TempDirectory();
        using var data = new TempDirectory();
        Directory.CreateDirectory(mirror.File("splits/cityscapes"));
        File.WriteAllText(mirror.File("splits/cityscapes/val.txt"), "good");
        File.WriteAllText(mirror.File("splits/cityscapes/train.txt"), "tampered");
        File.WriteAllText(mirror.File("manifest"), $"{Sha256("good")}  splits/cityscapes/val.txt\n{Sha256("original")}  splits/cityscapes/train.txt\n");
        var result = Run("fetch-splits.sh", new()
        {
            ["FARCLUSS_DATA"] = data.Path, ["FARCLUSS_SPLITS_URL"] = "file://" + mirror.Path, ["FARCLUSS_SPLITS_MANIFEST"] = mirror.File("manifest"),
        });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"fetch-splits: error: checksum mismatch for splits/cityscapes/train.txt: expected sha256 {Sha256("original")}, got {Sha256("tampered")}", result.Stderr);
        OnlyLeft(data); // not even the good file: all or nothing
    }

    [Fact]
    public void UnreachableSourcesGiveOneClearLine()
    {
        using var data = new TempDirectory();
        var splits = Run("fetch-splits.sh", new() { ["FARCLUSS_DATA"] = data.Path, ["FARCLUSS_SPLITS_URL"] = "file:///nonexistent-farcluss-mirror" });
        Assert.Equal(1, splits.ExitCode);
        Assert.StartsWith("fetch-splits: error: cannot download file:///nonexistent-farcluss-mirror/splits/", splits.Stderr);
        Assert.Contains("Is this machine offline", splits.Stderr);
        Assert.Single(splits.Stderr.Trim().Split('\n'));

        var voc = Run("fetch-voc.sh", new() { ["FARCLUSS_DATA"] = data.Path, ["FARCLUSS_VOC_URL"] = "file:///nonexistent-farcluss-mirror/VOC.tar" });
        Assert.Equal(1, voc.ExitCode);
        Assert.Contains("fetch-voc: error: cannot download file:///nonexistent-farcluss-mirror/VOC.tar", voc.Stderr);
        Assert.Contains("--voc-tar FILE --aug-zip FILE", voc.Stderr);
        Assert.Empty(Directory.GetFiles(data.Path, "*", SearchOption.AllDirectories)); // no .part left behind
    }

    [Fact]
    public void FetchVocRefusesATarWithTheWrongMd5()
    {
        using var data = new TempDirectory();
        File.WriteAllText(data.File("fake.tar"), "not VOC");
        File.WriteAllText(data.File("fake.zip"), "not a zip");
        var result = Run("fetch-voc.sh", new() { ["FARCLUSS_DATA"] = data.Path }, "--voc-tar", data.File("fake.tar"), "--aug-zip", data.File("fake.zip"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("fetch-voc: error: checksum mismatch for fake.tar: expected md5 6cd6e144f989b92b3379bac3b3de84fd", result.Stderr);
        OnlyLeft(data, "fake.tar", "fake.zip");
    }

    [Fact]
    public void FetchCityscapesAsksForALoginAndChecksTheZipsStructure()
    {
        using var data = new TempDirectory();
        var noLogin = Run("fetch-cityscapes.sh", new() { ["FARCLUSS_DATA"] = data.Path });
        Assert.Equal(1, noLogin.ExitCode);
        Assert.Contains("Cityscapes needs your own login: set CITYSCAPES_USERNAME and CITYSCAPES_PASSWORD", noLogin.Stderr);

        using (var zip = ZipFile.Open(data.File("gtFine.zip"), ZipArchiveMode.Create))
            zip.CreateEntry("gtFine/train/aachen/aachen_000000_000019_gtFine_labelIds.png");
        File.Copy(data.File("gtFine.zip"), data.File("left.zip"));
        var wrong = Run("fetch-cityscapes.sh", new() { ["FARCLUSS_DATA"] = data.Path }, "--gtfine-zip", data.File("gtFine.zip"), "--leftimg-zip", data.File("left.zip"));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("gtFine.zip holds 1 train/*_gtFine_labelIds.png files, expected 2975", wrong.Stderr);
        OnlyLeft(data, "gtFine.zip", "left.zip");
    }
}
