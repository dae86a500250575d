using Farcluss.Training;
using TorchSharp;

namespace Farcluss.Tests.Reliability;

/// <summary>
/// Issue 5, "Native memory": a few hundred FARCLUSS steps leave TorchSharp's live tensor count flat.
/// Each step runs in its own dispose scope; anything a step forgot to free would show up here as a
/// count that grows by the same amount every step (on the GPU, as an out-of-memory after an hour).
/// </summary>
public class MemoryTests
{
    static MemoryTests() => Farcluss.Runtime.NativeLibTorch.EnsureLoadable();

    [Fact]
    public void TwoHundredFarclussStepsKeepTheLiveTensorCountFlat()
    {
        // Every part on (fuzzy targets, entropy weights, rebalancing, prototypes, CutMix), statistics
        // flushed every 5 steps, and an evaluation every 50: all the paths a long run takes.
        const int steps = 200, warmup = 5;
        using var trainer = new Trainer(TinyRuns.Config(steps) with { LogEvery = 5 }, TinyRuns.Data());
        var live = new long[steps];
        for (int i = 0; i < steps; i++)
        {
            trainer.TrainStep();
            if ((i + 1) % 50 == 0) trainer.Evaluate(trainer.Data.Validation!, useTeacher: true, "validation");
            live[i] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        Assert.Equal(0, trainer.BadSteps);
        // Step 0 creates Adam's moments; after the warm-up the count must not move by a single tensor.
        var afterWarmup = live[warmup];
        var moved = Enumerable.Range(warmup, steps - warmup).Where(i => live[i] != afterWarmup).ToArray();
        Assert.True(moved.Length == 0,
            $"live tensors after step {warmup + 1}: {afterWarmup}; different after steps {string.Join(", ", moved.Take(10).Select(i => $"{i + 1} ({live[i]})"))}");
    }
}
