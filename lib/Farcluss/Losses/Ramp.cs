namespace Farcluss.Losses;

/// <summary>
/// The sigmoid ramp-up of the unsupervised and contrastive loss weights (METHOD.md, "Total"):
/// exp(−5 (1 − t/T_r)²) for t &lt; T_r, then 1. Early pseudo-labels come from an untrained teacher,
/// so their weight starts near exp(−5) ≈ 0.007. Taught in notebook 02 (mean-teacher-hard-labels).
/// </summary>
public static class Ramp
{
    /// <summary>The ramp's value at step <paramref name="step"/> of <paramref name="rampSteps"/>; T_r ≤ 0 means no ramp (1).</summary>
    public static double Sigmoid(long step, long rampSteps)
    {
        if (rampSteps <= 0 || step >= rampSteps) return 1.0;
        double progress = Math.Max(step, 0) / (double)rampSteps;
        double remaining = 1.0 - progress;
        return Math.Exp(-5.0 * remaining * remaining);
    }
}
