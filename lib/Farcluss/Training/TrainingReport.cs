using Farcluss.Evaluation;

namespace Farcluss.Training;

/// <summary>What the trainer logs every <c>log_every</c> steps (one JSON line in metrics.jsonl). Means over the interval.</summary>
public sealed record StepStats
{
    public long Step { get; init; }
    public double LearningRate { get; init; }
    public double Loss { get; init; }
    public double SupervisedLoss { get; init; }
    public double UnsupervisedLoss { get; init; }
    public double ContrastLoss { get; init; }
    /// <summary>λ_u times the ramp at this step.</summary>
    public double UnsupervisedLambda { get; init; }
    /// <summary>Σ w over valid unlabeled pixels / N_valid: the share of the uncertainty weight w kept.</summary>
    public double WeightKept { get; init; }
    /// <summary>Mean normalised entropy H̃ of the teacher over valid unlabeled pixels.</summary>
    public double MeanEntropy { get; init; }
    /// <summary>Teacher argmax vs the hidden masks of the unlabeled canvases (diagnostics only).</summary>
    public double PseudoLabelAccuracy { get; init; }
    public double ForegroundPseudoLabelAccuracy { get; init; }
    public double[] PseudoLabelAccuracyPerClass { get; init; } = [];
    /// <summary>Share of the teacher's argmax per class over valid unlabeled pixels.</summary>
    public double[] PseudoLabelShare { get; init; } = [];
    /// <summary>The rebalancer's smoothed class frequencies f_c.</summary>
    public double[] ClassFrequencies { get; init; } = [];
    /// <summary>The rebalancer's class weights r_c.</summary>
    public double[] ClassWeights { get; init; } = [];
    /// <summary>Cosine similarity of the prototypes (C×C, row-major; NaN where a class has none).</summary>
    public double[] PrototypeSimilarity { get; init; } = [];
    public double MsPerStep { get; init; }
    /// <summary>Milliseconds per step in each part (only when term profiling is on).</summary>
    public Dictionary<string, double> MsPerTerm { get; init; } = new();
}

/// <summary>Progress for a terminal bar or a notebook display.</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double MsPerStep, string Phase);

/// <summary>The result of a whole run.</summary>
public sealed record TrainingResult
{
    public required EvalResult TeacherTest { get; init; }
    public required EvalResult StudentTest { get; init; }
    public EvalResult? TeacherValidation { get; init; }
    public EvalResult? StudentValidation { get; init; }
    public double MsPerStep { get; init; }
    public double WallSeconds { get; init; }
    public IReadOnlyList<StepStats> Log { get; init; } = [];
    public int BadSteps { get; init; }
}
