using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// Copies of the state a training step changes before its loss is known: BatchNorm running
/// statistics (updated by the student's forward pass), the rebalancer's class frequencies, the
/// prototype memory and the log interval's sums. When the loss turns out not to be finite, the
/// trainer puts them back, so a skipped step leaves no trace: one NaN batch would otherwise poison
/// the running means, and through them every later evaluation, even though no weight moved.
/// The copies are made in the caller's dispose scope (the step's), which frees them.
/// Taught in notebook 01 (what a skipped step means).
/// </summary>
public sealed class StepRollback
{
    readonly List<(Tensor Live, Tensor Saved)> _pairs;

    StepRollback(List<(Tensor, Tensor)> pairs) => _pairs = pairs;

    /// <summary>Copies every tensor of <paramref name="state"/> (without gradient).</summary>
    public static StepRollback Capture(IEnumerable<Tensor> state)
    {
        using var noGrad = no_grad();
        return new StepRollback(state.Select(t => (t, t.detach().clone())).ToList());
    }

    /// <summary>Writes the copies back into the live tensors, in place.</summary>
    public void Restore()
    {
        using var noGrad = no_grad();
        foreach (var (live, saved) in _pairs) live.copy_(saved);
    }
}
