using Farcluss.Training;

namespace Farcluss.Tests.Training;

public class EpochSamplerTests
{
    public EpochSamplerTests() => Torch.Ready();

    [Fact]
    public void Each_epoch_visits_every_index_once_and_order_is_a_function_of_seed_and_step()
    {
        var a = new EpochSampler(10, 5, seed: 3, stream: 1);
        var epoch0 = a.IndicesForStep(0).Concat(a.IndicesForStep(1)).OrderBy(i => i);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), epoch0);
        // A fresh sampler asked for step 3 directly (as after a resume) gives the same batch.
        var b = new EpochSampler(10, 5, seed: 3, stream: 1);
        var step3 = a.IndicesForStep(3);
        Assert.Equal(step3, b.IndicesForStep(3));
        Assert.NotEqual(new EpochSampler(10, 5, seed: 4, stream: 1).IndicesForStep(3), step3);
    }
}
