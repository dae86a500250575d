using Farcluss.Config;

namespace Farcluss.Training;

/// <summary>
/// The JSON header of a <see cref="Checkpoint"/>: its format, what model it holds (architecture, classes, input
/// channels), the step it was written at, the run's config as config.json has it, and the counters a resume restores.
/// </summary>
/// <param name="Format">1 to <see cref="CheckpointFile.FormatVersion"/>.</param>
/// <param name="BadSteps">Steps skipped so far for a non-finite loss (0 in format 1).</param>
/// <param name="IntervalSteps">Steps of the open log interval (0 in format 1).</param>
/// <param name="IntervalSkipped">Of those, the skipped ones.</param>
public sealed record CheckpointHeader(int Format, string Architecture, int NumClasses, int InChannels, long Step, string ConfigJson,
    int BadSteps = 0, int IntervalSteps = 0, int IntervalSkipped = 0)
{
    /// <summary>The config the run was trained with (the header's copy of config.json).</summary>
    public TrainingConfig Config(string path) => ConfigFile.Parse(ConfigJson, new TrainingConfig(), path);
}
