using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 24, item 5: `train --overwrite` replaces only a run folder (or an empty one), never through a symbolic
/// link, and a refused or failed train leaves nothing behind: no lock file, no folder it made.
/// </summary>
public class OverwriteTests
{
    static string[] Train(string output, params string[] more) =>
        ["train", "--preset", "smoke", "--config", "tiny.json", "--steps", "2", "--device", "cpu", "--out", output, .. more];

    static TempDirectory WithTinyConfig()
    {
        var dir = new TempDirectory();
        File.WriteAllText(dir.File("tiny.json"), CliProcess.TinyConfig);
        return dir;
    }

    static void AssertRefused((int ExitCode, string Stdout, string Stderr) run, string expected)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal([expected], CliProcess.ErrorLines(run.Stderr));
        Assert.DoesNotContain("data: ", run.Stderr);
    }

    [Fact]
    public void OverwriteRefusesAFolderThatIsNotARunAndLeavesNoLockThere()
    {
        using var dir = WithTinyConfig();
        Directory.CreateDirectory(dir.File("project"));
        File.WriteAllText(dir.File("project/notes.txt"), "mine");
        var before = FolderBytes.Of(dir.File("project"));
        AssertRefused(CliProcess.Run(dir.Path, 120, Train("project", "--overwrite")),
            "error: project: --overwrite replaces a run, but this folder also holds 'notes.txt'; choose another --out");
        FolderBytes.AssertUnchanged(before, dir.File("project"), "a refused --overwrite"); // no .lock either
    }

    [Fact]
    public void OverwriteRefusesASymlinkedRunFolderAndLeavesItsTargetAlone()
    {
        using var dir = WithTinyConfig();
        Directory.CreateDirectory(dir.File("elsewhere/run"));
        foreach (var name in new[] { "config.json", "metrics.jsonl", "checkpoint.bin" }) File.WriteAllText(dir.File($"elsewhere/run/{name}"), "someone's run");
        Directory.CreateSymbolicLink(dir.File("link"), dir.File("elsewhere/run"));
        var before = FolderBytes.Of(dir.File("elsewhere"));
        AssertRefused(CliProcess.Run(dir.Path, 120, Train("link", "--overwrite")),
            $"error: link: this run folder is a symbolic link (to '{dir.File("elsewhere/run")}'): --overwrite replaces a run folder itself, " +
            "never through a link; give the folder's own path");
        FolderBytes.AssertUnchanged(before, dir.File("elsewhere"), "--overwrite through a link");
    }

    [Fact]
    public void ATrainThatFailsBeforeWritingLeavesNoFolderOrLock()
    {
        using var dir = WithTinyConfig();
        // MNIST files that are not MNIST: the data fails to load after the run folder was locked.
        var mnist = Directory.CreateDirectory(dir.File("bad-mnist")).FullName;
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(mnist, name), [1, 2, 3]);
        var run = CliProcess.Run(dir.Path, 120, Train("fresh", "--data", mnist));
        Assert.Equal(1, run.ExitCode);
        Assert.Single(CliProcess.ErrorLines(run.Stderr));
        Assert.False(Directory.Exists(dir.File("fresh")), "the failed train left its run folder");
        // An existing empty folder stays, without a lock file.
        Directory.CreateDirectory(dir.File("empty"));
        Assert.Equal(1, CliProcess.Run(dir.Path, 120, Train("empty", "--data", mnist)).ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("empty")));
    }
}
