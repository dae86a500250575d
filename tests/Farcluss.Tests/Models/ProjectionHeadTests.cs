using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

public class ProjectionHeadTests : ModelTestBase
{
    [Fact]
    public void EmbeddingsHaveUnitLengthAtEveryPixel()
    {
        using var head = new ProjectionHead(featureChannels: 80, embeddingDim: 64, generator: new Generator(5));
        using var features = torch.randn(new long[] { 2, 80, 5, 7 }, generator: new Generator(6));
        using var embeddings = head.call(features);
        Assert.Equal(new long[] { 2, 64, 5, 7 }, Shape(embeddings));

        // By hand at one pixel: the sum of the 64 squared components is 1.
        var pixel = embeddings[1, .., 3, 6].contiguous().data<float>().ToArray();
        double sumOfSquares = pixel.Sum(v => (double)v * v);
        Assert.Equal(1.0, sumOfSquares, 5);

        // And at all 70 pixels.
        var norms = embeddings.pow(2).sum(1).sqrt();
        Assert.True(norms.allclose(torch.ones_like(norms), atol: 1e-5));
    }

    [Fact]
    public void IdentityWeightsGiveTheFeatureDirection()
    {
        // With both 1×1 convs set to the identity and zero bias, z = normalise(ReLU(f)):
        // f = (3, 4) → (3, 4)/5 = (0.6, 0.8); f = (−1, 2) → ReLU → (0, 2) → (0, 1).
        using var head = new ProjectionHead(featureChannels: 2, embeddingDim: 2);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in head.named_parameters())
            {
                if (name.EndsWith("weight")) parameter.copy_(torch.eye(2).view(2, 2, 1, 1));
                else parameter.zero_();
            }
        }
        using var features = torch.tensor(new float[] { 3, -1, 4, 2 }, new long[] { 1, 2, 1, 2 });
        using var embeddings = head.call(features);
        var values = embeddings.contiguous().data<float>().ToArray(); // [channel 0: px0, px1, channel 1: px0, px1]
        Assert.Equal(new[] { 0.6f, 0f, 0.8f, 1f }, values.Select(v => MathF.Round(v, 5)).ToArray());
    }

    [Fact]
    public void GradientsReachTheHeadsWeights()
    {
        using var head = new ProjectionHead(16, 8, new Generator(1));
        using var features = torch.randn(new long[] { 1, 16, 3, 3 }, generator: new Generator(2));
        head.call(features)[.., 0].sum().backward();
        Assert.All(head.parameters(), p => Assert.NotNull(p.grad));
    }
}
