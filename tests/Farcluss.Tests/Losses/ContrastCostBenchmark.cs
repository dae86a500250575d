using System.Diagnostics;
using Farcluss.Losses;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Tests.Losses;

/// <summary>
/// Prints (does not assert) the cost of the prototype term against the ReCo-style pairwise term,
/// forward + backward, D = 64, C = 11. Run with
/// <c>dotnet test --filter "FullyQualifiedName~ContrastCostBenchmark" --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Benchmark")]
public class ContrastCostBenchmark : TorchTestBase
{
    const int NumClasses = 11, Dim = 64;
    readonly ITestOutputHelper _output;

    public ContrastCostBenchmark(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(8, 16, 16)]
    [InlineData(16, 32, 32)]
    public void PrototypeVersusReCo(int batch, int height, int width)
    {
        long n = (long)batch * height * width;
        var data = new Generator(0);
        using var scope = torch.NewDisposeScope();
        var z = F.normalize(torch.randn(new long[] { n, Dim }, generator: data), p: 2, dim: 1).requires_grad_(true);
        // Long-tailed labels as in M2NIST-LT: background first, then rarer and rarer classes.
        var classShare = torch.tensor(Enumerable.Range(0, NumClasses).Select(c => c == 0 ? 10.0 : Math.Pow(0.75, c)).ToArray());
        var labels = classShare.multinomial(n, true, data);
        var confidence = torch.rand(new long[] { n }, generator: data) * 0.5 + 0.5;
        using var memory = new PrototypeMemory(NumClasses, Dim);

        double prototypeMs = MedianMs(20, g =>
        {
            memory.Update(z.detach(), labels);
            var anchors = BalancedAnchors.Sample(labels, NumClasses, BalancedAnchors.DefaultMaxAnchors, g);
            var loss = PrototypeContrast.Loss(z.index_select(0, anchors), labels.index_select(0, anchors), memory);
            loss.backward();
        });
        double recoMs = MedianMs(5, g =>
        {
            var loss = ReCoContrast.Loss(z, labels, confidence, NumClasses, g);
            loss.backward();
        });
        _output.WriteLine($"N = {batch}·{height}·{width} = {n} pixels, D = {Dim}, C = {NumClasses}, {torch.get_num_threads()} threads: " +
                          $"prototype (memory update + anchors + loss, fwd+bwd) {prototypeMs:F2} ms; ReCo-style (fwd+bwd) {recoMs:F1} ms; " +
                          $"ratio {recoMs / prototypeMs:F0}×");
    }

    static double MedianMs(int repeats, Action<Generator> step)
    {
        var times = new List<double>();
        for (int i = 0; i < repeats + 2; i++)
        {
            using var scope = torch.NewDisposeScope();
            var g = new Generator((ulong)i);
            var clock = Stopwatch.StartNew();
            step(g);
            clock.Stop();
            if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds); // the first two warm up
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
