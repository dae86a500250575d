using System.Diagnostics;
using Farcluss.Models;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 14, class 8: two `./farcluss` commands started together on a fresh checkout build the CLI once,
/// one after the other, and both run. The launcher is run in a scratch copy of the repository layout with
/// a stand-in `dotnet` that logs when a build starts and ends (and takes a second), so the test needs
/// neither MSBuild nor a minute.
/// </summary>
public class LauncherTests
{
    const string FakeDotnet = """
        #!/usr/bin/env bash
        # Stand-in for dotnet: "build ... -o DIR" logs start/end around a one-second "build" that writes DIR/Farcluss.Cli.dll;
        # anything else is the launcher running the CLI.
        if [ "$1" = build ]; then
          out=""; prev=""
          for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
          echo "start $$" >> "$FAKE_LOG"
          sleep 1
          mkdir -p "$out" && echo dll > "$out/Farcluss.Cli.dll"
          echo "end $$" >> "$FAKE_LOG"
        else
          echo "ran $*"
        fi
        """;

    [Fact]
    public void TwoFirstCallsAtOnceBuildOnceAndBothRun()
    {
        using var dir = new TempDirectory();
        var repo = Directory.CreateDirectory(dir.File("repo")).FullName;
        File.Copy(Path.Combine(MnistTestData.RepoRoot(), "farcluss"), Path.Combine(repo, "farcluss"));
        Directory.CreateDirectory(Path.Combine(repo, "lib/Farcluss.Cli"));
        File.WriteAllText(Path.Combine(repo, "lib/Farcluss.Cli/Program.cs"), "// source");
        File.WriteAllText(Path.Combine(repo, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(repo, "Directory.Packages.props"), "<Project />");
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "dotnet"), FakeDotnet.Replace("\r", ""));
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Process Launch(string arg)
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(repo, "farcluss"), arg]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["FAKE_LOG"] = dir.File("builds.log");
            return Process.Start(start)!;
        }
        using var first = Launch("one");
        using var second = Launch("two");
        var outputs = new[] { first, second }.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToArray();
        Assert.True(first.WaitForExit(TimeSpan.FromSeconds(60)) && second.WaitForExit(TimeSpan.FromSeconds(60)), "the launchers did not finish");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, $"exit codes {first.ExitCode}, {second.ExitCode}: {outputs[0].Err.Result} {outputs[1].Err.Result}");
        Assert.Contains("ran ", outputs[0].Out.Result);
        Assert.Contains("ran ", outputs[1].Out.Result);
        // One build, whole: the second launcher waited for it and found the CLI built.
        var log = File.ReadAllLines(dir.File("builds.log"));
        Assert.Equal(2, log.Length);
        Assert.StartsWith("start ", log[0]);
        Assert.StartsWith("end ", log[1]);
    }
}

/// <summary>The parameter count a checkpoint header is checked against (issue 14, class 4) is exact.</summary>
public class ParameterCountTests
{
    [Theory]
    [InlineData(8, 11, 1, 4)]
    [InlineData(20, 11, 1, 4)]
    [InlineData(40, 21, 3, 4)]
    [InlineData(13, 3, 3, 2)]
    public void TheCountFromSmallWidthsEqualsTheBuiltModels(int width, int classes, int channels, int stride)
    {
        Farcluss.Runtime.NativeLibTorch.EnsureLoadable();
        var settings = new ModelSettings { Width = width, NumClasses = classes, InChannels = channels, DecoderOutputStride = stride };
        using var model = ModelFactory.Create(settings);
        Assert.Equal(model.parameters().Sum(p => p.numel()), ModelFactory.ParameterCount(settings));
    }
}
