namespace Farcluss.Data;

/// <summary>
/// The generated M2NIST-LT dataset, split the way a semi-supervised run needs it:
/// <see cref="Labeled"/> (the first <see cref="M2NistLtSettings.LabeledCount"/> training canvases),
/// <see cref="Unlabeled"/> (the remaining training canvases; their masks are kept only for
/// diagnostics such as pseudo-label accuracy and must never enter a loss), <see cref="Validation"/>
/// and <see cref="Test"/>. All splits share one <see cref="Normalization"/>, measured on the
/// training canvases. Build it with <see cref="M2NistLt.Generate"/> or <see cref="M2NistLt.Load"/>.
/// Taught in notebook 00.
/// </summary>
public sealed class M2NistLtDataset : IDisposable
{
    public M2NistLtSettings Settings { get; }

    /// <summary>All training canvases, labeled ones first.</summary>
    public SegmentationSplit Train { get; }
    public SegmentationSplit Labeled { get; }
    public SegmentationSplit Unlabeled { get; }
    public SegmentationSplit Validation { get; }
    public SegmentationSplit Test { get; }

    /// <summary>For each training canvas, the MNIST-train indices of its digits (in paste order).</summary>
    public IReadOnlyList<int[]> TrainSources { get; }

    /// <summary>For each validation canvas, the MNIST-train indices of its digits.</summary>
    public IReadOnlyList<int[]> ValidationSources { get; }

    /// <summary>For each test canvas, the MNIST-t10k indices of its digits.</summary>
    public IReadOnlyList<int[]> TestSources { get; }

    public IReadOnlyList<string> ClassNames => M2NistLt.ClassNames;
    public int NumClasses => M2NistLt.NumClasses;
    public int Channels => 1;
    public Normalization Normalization => Train.Normalization;

    internal M2NistLtDataset(M2NistLtSettings settings, SegmentationSplit train, SegmentationSplit validation, SegmentationSplit test,
                             int[][] trainSources, int[][] validationSources, int[][] testSources)
    {
        Settings = settings;
        Train = train;
        Labeled = train.Slice("labeled", 0, settings.LabeledCount);
        Unlabeled = train.Slice("unlabeled", settings.LabeledCount, train.Count - settings.LabeledCount);
        Validation = validation;
        Test = test;
        TrainSources = trainSources;
        ValidationSources = validationSources;
        TestSources = testSources;
    }

    public void Dispose()
    {
        foreach (var split in new[] { Labeled, Unlabeled, Train, Validation, Test }) split.Dispose();
    }
}
