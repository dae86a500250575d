namespace Farcluss.Config;

/// <summary>
/// Which settings a resumed run may change (<c>train --resume</c>): only <see cref="ConfigDifference.Bookkeeping"/>
/// and <see cref="ConfigDifference.Execution"/>; every other difference would make it another run, and is named.
/// </summary>
public static class ResumePolicy
{
    /// <summary>Refuses to continue a run recorded with <paramref name="recorded"/> under <paramref name="requested"/>
    /// when a setting that changes the run differs; <paramref name="path"/> (the checkpoint) names the run in the error.</summary>
    public static void RequireSameSettings(TrainingConfig recorded, TrainingConfig requested, string path)
    {
        var differences = ConfigDifference.Between(recorded, requested, ConfigDifference.Bookkeeping.Concat(ConfigDifference.Execution));
        if (differences.Count > 0)
            throw new KitException($"this run was trained with other settings than asked now ({string.Join("; ", differences)}); " +
                                   $"a resumed run keeps its settings (only {Changeable} may change): resume with the run's own config, " +
                                   "or start a new run with another --out", path);
    }

    /// <summary>The settings a resume may change, for messages and --help.</summary>
    public static string Changeable =>
        string.Join(", ", ConfigDifference.Bookkeeping.Concat(ConfigDifference.Execution).SkipLast(1)) + " and " + ConfigDifference.Execution.Last();
}
