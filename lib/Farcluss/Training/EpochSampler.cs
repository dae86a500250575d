using TorchSharp;

namespace Farcluss.Training;

/// <summary>
/// Data order as a pure function of (seed, stream, step): each epoch is a fresh permutation drawn
/// from a generator seeded by (seed, stream, epoch). A resumed run therefore sees exactly the
/// batches an uninterrupted run would, with no sampler state to save.
/// </summary>
public sealed class EpochSampler
{
    readonly int _count, _batch;
    readonly long _seed;
    long _cachedEpoch = -1;
    long[] _order = Array.Empty<long>();

    public EpochSampler(int count, int batch, long seed, int stream)
    {
        if (count < 1) throw new KitException("cannot sample batches from an empty split");
        _count = count;
        _batch = batch;
        _seed = StepRandom.Mix(seed, stream);
    }

    /// <summary>The indices of step <paramref name="step"/>'s batch (wrapping into the next epoch).</summary>
    public long[] IndicesForStep(long step)
    {
        var result = new long[_batch];
        for (int i = 0; i < _batch; i++)
        {
            long position = step * _batch + i;
            long epoch = position / _count;
            if (epoch != _cachedEpoch)
            {
                using var g = new torch.Generator((ulong)StepRandom.Mix(_seed, epoch));
                using var perm = torch.randperm(_count, generator: g);
                _order = perm.data<long>().ToArray();
                _cachedEpoch = epoch;
            }
            result[i] = _order[position % _count];
        }
        return result;
    }
}
