using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Farcluss.Tests.Data;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 5, "Security", the parts that are facts about the source: the kit opens no network port
/// (the notebook kernel's, if the kit installs one, listens on loopback only), and it has no code path
/// that unpickles a PyTorch file. Loading-side checks are in <see cref="BadInputTests"/>.
/// </summary>
public partial class SecurityTests
{
    static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(MnistTestData.RepoRoot(), folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    [GeneratedRegex(@"\b(HttpListener|TcpListener|UdpClient|WebApplication|UseKestrel|\.Listen\s*\(|\.Bind\s*\()")]
    private static partial Regex ListeningApi();

    [GeneratedRegex(@"PyBridge|Unpickler|pickle\.load|\btorch\.load|load_py", RegexOptions.IgnoreCase)] // \b: KitLibTorch.Load is no torch.load
    private static partial Regex PickleLoading();

    [Fact]
    public void NoKitSourceOpensAPortOrUnpicklesAFile()
    {
        var files = SourceFiles("lib").ToList();
        Assert.NotEmpty(files);
        var listening = files.Where(f => ListeningApi().IsMatch(File.ReadAllText(f))).ToArray();
        Assert.True(listening.Length == 0, "code that listens on a port: " + string.Join(", ", listening));
        // Comments and messages may mention pickles (to say they are refused); only code counts.
        var unpickling = files.Where(f => File.ReadLines(f).Select(l => l.Trim())
            .Any(l => !l.StartsWith("//") && !l.Contains('"') && PickleLoading().IsMatch(l))).ToArray();
        Assert.True(unpickling.Length == 0, "code that may load a pickle: " + string.Join(", ", unpickling));
    }

    [Fact]
    public void EveryKernelSpecTheKitShipsListensOnLoopbackOnly()
    {
        // The .NET Interactive kernel opens an HTTP port on every interface unless --http-local-only is in its argv.
        var specs = Directory.EnumerateFiles(MnistTestData.RepoRoot(), "kernel.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")).ToList();
        foreach (var spec in specs)
        {
            var argv = JsonNode.Parse(File.ReadAllText(spec))?["argv"]?.AsArray().Select(a => a?.GetValue<string>()).ToList() ?? [];
            Assert.True(argv.Contains("--http-local-only"), $"{spec}: argv lacks --http-local-only");
        }
    }
}
