namespace Farcluss.Data;

/// <summary>
/// How the M2NIST-LT dataset is generated: MNIST digits pasted onto blank canvases, with a
/// long-tailed ("LT") class distribution so that class rebalancing has something to fix.
/// Every default below is the kit's choice and can be changed with <c>with { ... }</c>.
/// Taught in notebook 00; <see cref="ImbalanceRatio"/> is the knob of notebook 05.
/// </summary>
public sealed record M2NistLtSettings
{
    /// <summary>Canvas side in pixels (square, one channel). Default 64: a 2-core CPU can train on it in minutes.</summary>
    public int CanvasSize { get; init; } = 64;

    /// <summary>Each 28×28 digit is resized (bilinear) to round(28 × DigitScale) before pasting. Default 1 (no resize).</summary>
    public double DigitScale { get; init; } = 1.0;

    /// <summary>Fewest digits on a canvas. Default 1.</summary>
    public int MinDigitsPerCanvas { get; init; } = 1;

    /// <summary>Most digits on a canvas; the count is uniform in [Min, Max]. Default 3.</summary>
    public int MaxDigitsPerCanvas { get; init; } = 3;

    /// <summary>Digit class d is drawn with probability ∝ ImbalanceRatio^(−d/9): digit 0 is this many
    /// times more frequent than digit 9. Default 20; 1 gives balanced classes.</summary>
    public double ImbalanceRatio { get; init; } = 20.0;

    /// <summary>Training canvases (labeled + unlabeled). Default 4000.</summary>
    public int TrainCount { get; init; } = 4000;

    /// <summary>Share of the training canvases that keep their labels: the first round(TrainCount × LabeledFraction).
    /// Default 1/16 (250 labeled), the scarcest of the field's usual 1/16, 1/8, 1/4, 1/2 protocol.</summary>
    public double LabeledFraction { get; init; } = 1.0 / 16;

    /// <summary>Validation canvases, built from MNIST-train digits no training canvas can use. Default 500.</summary>
    public int ValidationCount { get; init; } = 500;

    /// <summary>How many of MNIST-train's 60000 digits (chosen by a seeded shuffle) are reserved for
    /// validation canvases; training canvases use the rest. Default 10000.</summary>
    public int ValidationPoolSize { get; init; } = 10_000;

    /// <summary>Test canvases, built only from MNIST's t10k digits. Default 1000.</summary>
    public int TestCount { get; init; } = 1000;

    /// <summary>Everything random (pools, digit choice, positions) is a function of this seed. Default 0.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>A pixel at least this bright is labeled with its digit. Default 128.</summary>
    public int ForegroundThreshold { get; init; } = 128;

    /// <summary>A pixel darker than this is background (class 0); pixels between the two thresholds,
    /// a digit's blurry rim, are ignored (255), as VOC ignores object boundaries. Default 32.</summary>
    public int BackgroundThreshold { get; init; } = 32;


    /// <summary>Number of labeled training canvases: round(TrainCount × LabeledFraction), halves rounded up.</summary>
    public int LabeledCount => (int)Math.Round(TrainCount * LabeledFraction, MidpointRounding.AwayFromZero);

    /// <summary>Side of a pasted digit: round(28 × DigitScale).</summary>
    public int DigitSide => (int)Math.Round(M2NistLt.MnistSide * DigitScale, MidpointRounding.AwayFromZero);

    /// <summary>Largest canvas side (pixels): 32× the default 64.</summary>
    public const int MaxCanvasSize = 2048;

    /// <summary>Most memory the generated images and masks may take (2 GiB); checked before any canvas is made.</summary>
    public const long MemoryBudgetBytes = 2L << 30;

    /// <summary>Throws a <see cref="KitException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        static void Require(bool ok, string problem) { if (!ok) throw new KitException($"M2NIST-LT settings: {problem}"); }
        Require(CanvasSize >= 1, $"CanvasSize must be positive, got {CanvasSize}");
        Require(DigitScale > 0 && DigitSide >= 1, $"DigitScale must make digits at least 1 pixel, got {DigitScale}");
        Require(DigitSide <= CanvasSize, $"a {DigitSide}-pixel digit (DigitScale {DigitScale}) does not fit a {CanvasSize}-pixel canvas");
        Require(MinDigitsPerCanvas >= 0 && MaxDigitsPerCanvas >= MinDigitsPerCanvas,
            $"need 0 ≤ MinDigitsPerCanvas ≤ MaxDigitsPerCanvas, got {MinDigitsPerCanvas}, {MaxDigitsPerCanvas}");
        Require(ImbalanceRatio > 0 && double.IsFinite(ImbalanceRatio), $"ImbalanceRatio must be positive, got {ImbalanceRatio}");
        Require(TrainCount >= 0 && ValidationCount >= 0 && TestCount >= 0, "counts must not be negative");
        long pixelsPerCanvas = (long)CanvasSize * CanvasSize;
        foreach (var (name, count) in new[] { ("TrainCount", TrainCount), ("ValidationCount", ValidationCount), ("TestCount", TestCount) })
            Require(count * pixelsPerCanvas <= Array.MaxLength, $"{name} {count} × {CanvasSize}² pixels does not fit one array");
        Require(MaxDigitsPerCanvas <= 100, $"MaxDigitsPerCanvas must be at most 100, got {MaxDigitsPerCanvas}");
        long bytes = 2 * pixelsPerCanvas * ((long)TrainCount + ValidationCount + TestCount); // one byte of image and one of mask a pixel
        Require(bytes <= MemoryBudgetBytes,
            $"{TrainCount} + {ValidationCount} + {TestCount} canvases of {CanvasSize}×{CanvasSize} take {bytes / (1 << 20)} MiB as images and masks, " +
            $"over the budget of {MemoryBudgetBytes >> 20} MiB: use fewer or smaller canvases");
        // The budget above counts the dataset; a canvas is also one training sample, and a batch of them (as float32,
        // with the model's activations, tens of bytes a pixel) must fit too: 32000² canvases pass the budget one at a time.
        Require(CanvasSize <= MaxCanvasSize, $"CanvasSize must be at most {MaxCanvasSize} (one canvas is one training sample), got {CanvasSize}");
        Require(LabeledFraction is >= 0 and <= 1, $"LabeledFraction must be in [0, 1], got {LabeledFraction}");
        Require(ValidationPoolSize >= 0, $"ValidationPoolSize must not be negative, got {ValidationPoolSize}");
        Require(BackgroundThreshold is >= 0 and <= 256 && ForegroundThreshold is >= 1 and <= 256 && BackgroundThreshold <= ForegroundThreshold,
            $"need 0 ≤ BackgroundThreshold ≤ ForegroundThreshold ≤ 256 and ForegroundThreshold ≥ 1, got {BackgroundThreshold}, {ForegroundThreshold}");
    }
}
