namespace Farcluss.Config;

/// <summary>
/// The ranges every setting must lie in, stated once: <see cref="TrainingConfig.Validate"/> checks a whole config
/// against them, and the parts that can be built without a config (<c>ClassRebalancer</c>, <c>PrototypeMemory</c>,
/// <c>MeanTeacher.Update</c>, <c>FuzzyPseudoLabels</c>) check their arguments with the same predicates, so a value a
/// config refuses is refused by the part too, with the same range in the message.
/// </summary>
public static class SettingRules
{
    /// <summary>Momentum m of an exponential average x ← m x + (1 − m) x̂ (class frequencies m, prototypes m_p, the EMA cap α):
    /// [0, 1). At 1 the average never moves from its start (uniform frequencies, the first prototype, the initial teacher).</summary>
    public static bool IsMomentum(double m) => m is >= 0 and < 1;

    /// <summary>How <see cref="IsMomentum"/> reads in a message.</summary>
    public const string MomentumRange = "[0, 1)";

    /// <summary>K of the fuzzy top-K targets: 1 (hard labels) to C (the whole distribution).</summary>
    public static bool IsTopK(int k, int numClasses) => k >= 1 && k <= numClasses;

    /// <summary>r_max, the cap on r̃ before normalisation: at least 1, since a cap below 1 would lower every class.</summary>
    public const double MinMaxClassWeight = 1;

    /// <summary>Most optimizer steps a run takes.</summary>
    public const int MaxSteps = 100_000_000;

    /// <summary>Largest batch accepted (each of labeled and unlabeled).</summary>
    public const int MaxBatch = 1024;

    /// <summary>Largest learning rate accepted: beyond it no optimizer of the kit trains, it only diverges.</summary>
    public const double MaxLearningRate = 10;

    /// <summary>Most torch threads (0: torch's default).</summary>
    public const int MaxThreads = 1024;

    /// <summary>Largest backbone learning-rate multiplier.</summary>
    public const double MaxBackboneLrMultiplier = 1000;

    /// <summary>Projection size D of the contrastive head.</summary>
    public const int MinProjectionDim = 2, MaxProjectionDim = 4096;

    /// <summary>Most anchors N_a a step.</summary>
    public const int MaxAnchors = 1 << 20;

    /// <summary>Narrowest compact model (the widest is <c>CompactModelSettings.MaxWidth</c>).</summary>
    public const int MinCompactWidth = 4;

    /// <summary>Throws a <see cref="KitException"/> with <paramref name="message"/> unless <paramref name="ok"/>.</summary>
    public static void Require(bool ok, string message)
    {
        if (!ok) throw new KitException(message);
    }
}
