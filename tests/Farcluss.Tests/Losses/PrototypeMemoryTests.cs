using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

public class PrototypeMemoryTests : TorchTestBase
{
    [Fact]
    public void TwoUpdates_ByHand()
    {
        using var memory = new PrototypeMemory(numClasses: 2, dim: 2, momentum: 0.5);
        AssertClose(new[] { 0.0, 0, 0, 0 }, memory.Prototypes, 0);
        AssertClose(new[] { 0.0, 0 }, memory.Initialised, 0);

        // Batch 1: class 0 at (1, 0) and (0, 1); a pixel labelled 255 counts nowhere; class 1 absent.
        using (var scope = torch.NewDisposeScope())
        {
            var z = torch.tensor(new[] { 1f, 0f, 0f, 1f, 5f, 5f }, new long[] { 3, 2 });
            var labels = torch.tensor(new long[] { 0, 0, Labels.Ignore });
            memory.Update(z, labels);
        }
        // μ̂_0 = normalise((0.5, 0.5)) = (0.707107, 0.707107); first sight: μ_0 = μ̂_0. μ_1 stays unset.
        AssertClose(new[] { 0.707107, 0.707107, 0, 0 }, memory.Prototypes, 1e-6);
        AssertClose(new[] { 1.0, 0 }, memory.Initialised, 0);

        // Batch 2: class 0 at (1, 0), class 1 at (0, −1).
        using (var scope = torch.NewDisposeScope())
        {
            var z = torch.tensor(new[] { 1f, 0f, 0f, -1f }, new long[] { 2, 2 });
            var labels = torch.tensor(new long[] { 0, 1 });
            memory.Update(z, labels);
        }
        // μ_0 = normalise(0.5 (0.707107, 0.707107) + 0.5 (1, 0)) = normalise((0.853553, 0.353553))
        //     = (0.853553, 0.353553) / 0.923880 = (0.923880, 0.382683)   (22.5°)
        // μ_1: first sight → μ̂_1 = (0, −1).
        AssertClose(new[] { 0.923880, 0.382683, 0, -1 }, memory.Prototypes, 1e-6);
        AssertClose(new[] { 1.0, 1 }, memory.Initialised, 0);
    }

    [Fact]
    public void UpdateTakesNoGradient_AndStateRoundTrips()
    {
        using var memory = new PrototypeMemory(3, 4, momentum: 0.99);
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(10, 4).requires_grad_(true);
        memory.Update(z, torch.tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }));
        Assert.False(memory.Prototypes.requires_grad);
        AssertClose(new[] { 1.0, 1, 0 }, memory.Initialised, 0);

        using var restored = new PrototypeMemory(3, 4, momentum: 0.99);
        restored.LoadState(memory.Prototypes.clone(), memory.Initialised.clone());
        AssertClose(Values(memory.Prototypes), restored.Prototypes, 0);
        AssertClose(new[] { 1.0, 1, 0 }, restored.Initialised, 0);
    }
}
