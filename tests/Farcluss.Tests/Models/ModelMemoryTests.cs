using Farcluss.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Models;

public class ModelMemoryTests : ModelTestBase
{
    [Fact]
    public void AForwardPassLeavesOnlyItsTwoOutputsAlive()
    {
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 3, InChannels = 1, Width = 8 }, new Generator(1));
        using var images = torch.rand(new long[] { 2, 1, 24, 24 }, generator: new Generator(2));
        using var head = new ProjectionHead(model.FeatureChannels, 8, new Generator(3));
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var result = model.call(images);
        // The model's own dispose scope freed every intermediate map; only Logits and Features remain.
        Assert.Equal(before + 2, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var embeddings = head.call(result.Features);
        Assert.Equal(before + 3, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        embeddings.Dispose();
        result.Logits.Dispose();
        result.Features.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void LiveTensorCountStaysFlatOverTrainingSteps()
    {
        var generator = new Generator(4);
        using var model = new CompactDeepLabV3Plus(new CompactModelSettings { NumClasses = 2, InChannels = 1, Width = 8 }, generator);
        using var head = new ProjectionHead(model.FeatureChannels, 8, generator);
        var (images, masks) = BrightSquares(2, 24, generator);
        using var optimizer = torch.optim.Adam(model.parameters().Concat(head.parameters()), lr: 1e-3);
        var live = new List<long>();
        for (int step = 0; step < 8; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                optimizer.zero_grad();
                var result = model.call(images);
                var loss = nn.functional.cross_entropy(result.Logits, masks) + head.call(result.Features).mean();
                loss.backward();
                optimizer.step();
            }
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        // Step 0 creates Adam's state; from step 1 on nothing accumulates.
        Assert.All(live.Skip(2), count => Assert.Equal(live[1], count));
    }
}
