using Farcluss.Data;

namespace Farcluss.Tests.Data;

/// <summary>UniMatch-style split lists: 'image_path mask_path' lines relative to the root.</summary>
public class SplitListTests
{
    static TempDirectory MakeRoot()
    {
        var dir = new TempDirectory();
        foreach (var file in new[] { "JPEGImages/2007_000032.jpg", "SegmentationClass/2007_000032.png", "JPEGImages/2007_000039.jpg", "SegmentationClass/2007_000039.png" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.File(file))!);
            File.WriteAllText(dir.File(file), "x"); // the list is checked for presence only; decoding is LoadSample's job
        }
        return dir;
    }

    [Fact]
    public void UniMatchLinesWithoutATrailingNewlineAndIdLinesGiveTheSameFiles()
    {
        using var dir = MakeRoot();
        // UniMatch's files have one newline fewer than lines (SPLITS.md: 92 labeled → 91 newlines).
        File.WriteAllText(dir.File("labeled.txt"), "JPEGImages/2007_000032.jpg SegmentationClass/2007_000032.png\nJPEGImages/2007_000039.jpg SegmentationClass/2007_000039.png");
        File.WriteAllText(dir.File("ids.txt"), "2007_000032\r\n\r\n2007_000039\r\n");
        var pairs = SplitList.Read(dir.Path, dir.File("labeled.txt"));
        var ids = SplitList.Read(dir.Path, dir.File("ids.txt"));
        Assert.Equal(2, pairs.Count);
        Assert.Equal(dir.File("JPEGImages/2007_000039.jpg"), pairs[1].ImagePath);
        Assert.Equal(dir.File("SegmentationClass/2007_000039.png"), pairs[1].MaskPath);
        Assert.Equal(pairs, ids);
    }

    [Fact]
    public void FileNamesWithSpacesAreNamedWithATabBetweenTheFields()
    {
        // Issue 24: "JPEGImages/my cat.jpg SegmentationClass/my cat.png" is four fields at whitespace; with a tab
        // between the two paths a line is split at the tab only, so each path keeps its space.
        using var dir = MakeRoot();
        File.WriteAllText(dir.File("JPEGImages/my cat.jpg"), "x");
        File.WriteAllText(dir.File("SegmentationClass/my cat.png"), "x");
        File.WriteAllText(dir.File("spaces.txt"), "JPEGImages/my cat.jpg\tSegmentationClass/my cat.png\r\n2007_000032\n");
        var entries = SplitList.Read(dir.Path, dir.File("spaces.txt"));
        Assert.Equal([new SplitList.Entry(dir.File("JPEGImages/my cat.jpg"), dir.File("SegmentationClass/my cat.png")),
                      new SplitList.Entry(dir.File("JPEGImages/2007_000032.jpg"), dir.File("SegmentationClass/2007_000032.png"))], entries);
        // Without the tab, the line is refused with the way to write it.
        File.WriteAllText(dir.File("spaces.txt"), "JPEGImages/my cat.jpg SegmentationClass/my cat.png\n");
        var e = Assert.Throws<KitException>(() => SplitList.Read(dir.Path, dir.File("spaces.txt")));
        Assert.Equal($"{dir.File("spaces.txt")}: line 1: expected an id or 'image_path mask_path', got 4 fields " +
                     "(a file name with spaces: separate the two paths with a tab)", e.Message);
    }

    [Fact]
    public void ErrorsNameTheFileAndTheLine()
    {
        using var dir = MakeRoot();
        KitException Fails(string content)
        {
            File.WriteAllText(dir.File("bad.txt"), content);
            return Assert.Throws<KitException>(() => SplitList.Read(dir.Path, dir.File("bad.txt")));
        }
        var missing = Fails("2007_000032\n\nJPEGImages/2007_000039.jpg SegmentationClass/nope.png\n");
        Assert.Equal(dir.File("bad.txt"), missing.FilePath);
        Assert.Equal($"{dir.File("bad.txt")}: line 3: file 'SegmentationClass/nope.png' does not exist under {dir.Path}", missing.Message);
        Assert.Contains("line 2: expected an id or 'image_path mask_path', got 3 fields", Fails("2007_000032\na b c\n").Message);
        Assert.Contains("split list not found", Assert.Throws<KitException>(() => SplitList.Read(dir.Path, dir.File("no/such.txt"))).Message);
        Assert.Contains("dataset root folder not found", Assert.Throws<KitException>(() => SplitList.Read(dir.File("nope"), dir.File("bad.txt"))).Message);
    }
}
