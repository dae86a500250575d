using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

public class ReCoContrastTests : TorchTestBase
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ByHand_EveryQueryAndNegativeForced(bool activeSampling)
    {
        using var scope = torch.NewDisposeScope();
        // Class 0: a = (1, 0) and b = (0, 1), both hard (confidence 0.5 < 0.97): both are queries.
        // Class 1: n = (−1, 0), easy (0.99): no query of its own, and the only negative for class 0.
        var embeddings = torch.tensor(new[] { 1f, 0f, 0f, 1f, -1f, 0f }, new long[] { 3, 2 }).requires_grad_(true);
        var labels = torch.tensor(new long[] { 0, 0, 1 });
        var confidence = torch.tensor(new[] { 0.5f, 0.5f, 0.99f });
        var loss = ReCoContrast.Loss(embeddings, labels, confidence, numClasses: 3, new Generator(0),
            queries: 256, negatives: 2, temperature: 0.5, activeSampling: activeSampling);
        // Positive key = class-0 mean (0.5, 0.5), cosine with a and b = 1/√2 = 0.707107.
        // Query a: logits (0.707107, −1, −1) / 0.5 → CE = log(1 + 2 e^(−2 − 1.414214)) = 0.063730
        // Query b: logits (0.707107,  0,  0) / 0.5 → CE = log(1 + 2 e^(−1.414214))     = 0.396245
        // Class 0 loss = mean = 0.229988; class 1 is skipped (no hard pixel) but counts as present,
        // so ReCo's total divides by 2 classes: 0.114994.
        AssertClose(0.114994, loss, 1e-5);
        loss.backward();
        Assert.True(embeddings.grad![2].abs().sum().item<float>() == 0); // keys carry no gradient
    }

    [Fact]
    public void RandomCase_IsFiniteDeterministicAndTrains()
    {
        using var scope = torch.NewDisposeScope();
        var data = new Generator(11);
        var embeddings = nn.functional.normalize(torch.randn(new long[] { 400, 8 }, generator: data), p: 2, dim: 1).requires_grad_(true);
        var labels = torch.randint(0, 4, new long[] { 400 }, generator: data);
        var confidence = torch.rand(new long[] { 400 }, generator: data);
        var loss = ReCoContrast.Loss(embeddings, labels, confidence, 4, new Generator(5), queries: 32, negatives: 64);
        var again = ReCoContrast.Loss(embeddings, labels, confidence, 4, new Generator(5), queries: 32, negatives: 64);
        Assert.True(float.IsFinite(loss.item<float>()) && loss.item<float>() > 0);
        Assert.Equal(loss.item<float>(), again.item<float>());
        loss.backward();
        Assert.True(embeddings.grad!.isfinite().all().item<bool>());
        Assert.True(embeddings.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void OneClass_GivesZero()
    {
        using var scope = torch.NewDisposeScope();
        var embeddings = torch.randn(5, 3).requires_grad_(true);
        var loss = ReCoContrast.Loss(embeddings, torch.zeros(5, ScalarType.Int64), torch.zeros(5), 3, new Generator(0));
        AssertClose(0.0, loss, 0);
        loss.backward();
    }
}
