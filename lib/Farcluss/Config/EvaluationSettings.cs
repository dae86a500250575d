namespace Farcluss.Config;

/// <summary>
/// How whole images are scored (<see cref="Evaluation.Evaluator"/>). "whole": the model sees each
/// image at its own size. "sliding": windows of <see cref="Window"/> pixels, <see cref="StrideFraction"/>
/// of a window apart, logits averaged where windows overlap (<see cref="Evaluation.SlidingWindow"/>);
/// the full-scale presets use it with the training crop as the window, as UniMatch evaluates
/// Cityscapes. Taught in notebook 09.
/// </summary>
public sealed record EvaluationSettings
{
    public const string Whole = "whole";
    public const string Sliding = "sliding";

    /// <summary>"whole" (default) or "sliding".</summary>
    public string Mode { get; init; } = Whole;

    /// <summary>Side of the square window in pixels (sliding only); 0 = the data's crop size.</summary>
    public int Window { get; init; }

    /// <summary>Stride as a fraction of the window (sliding only): 2/3, so neighbouring windows share a third.</summary>
    public double StrideFraction { get; init; } = 2.0 / 3.0;

    /// <summary>The window and stride in pixels, given the crop size that <see cref="Window"/> = 0 stands for.</summary>
    public (int Window, int Stride) Resolve(int cropSize)
    {
        int window = Window > 0 ? Window : cropSize;
        if (window < 1) throw new KitException("evaluation: a sliding window needs evaluation.window or data.crop_size ≥ 1");
        return (window, Math.Max(1, (int)(window * StrideFraction)));
    }

    /// <summary>Most pixels one forward pass of evaluation may see (2048 × 2048): a whole image in "whole" mode, a
    /// window in "sliding" mode. The model's activations grow with the pixels (tens of bytes each at the compact
    /// model's first stage, more for ResNets), so a 7000×7000 image scored whole needs tens of gigabytes.</summary>
    public const long MaxForwardPixels = 2048L * 2048;

    /// <summary>Most memory the averaged class scores of one image may take in "sliding" mode (classes × pixels × 4 bytes).</summary>
    public const long MaxScoreBytes = 2L << 30;

    /// <summary>Refuses, before anything is decoded, an image that scoring as these settings say would take more memory
    /// than the budgets above, naming the image, its size and the way on. <paramref name="window"/> is null in "whole" mode.</summary>
    public static void RequireWithinBudget(string imagePath, int width, int height, int numClasses, int? window)
    {
        long pixels = (long)width * height;
        if (window is null && pixels > MaxForwardPixels)
            throw new KitException($"image is {width}×{height} ({pixels / 1e6:F1} megapixels): scoring it whole is one forward pass " +
                                   $"over more than the {MaxForwardPixels / 1e6:F1}-megapixel budget of evaluation; set " +
                                   "data.evaluation.mode to \"sliding\" (windows of data.crop_size) or use smaller images", imagePath);
        if (window is int side && (long)side * side > MaxForwardPixels)
            throw new KitException($"evaluation window {side}×{side} is over the {MaxForwardPixels / 1e6:F1}-megapixel budget of one forward pass; " +
                                   "use a smaller data.evaluation.window or data.crop_size", imagePath);
        long scoreBytes = pixels * numClasses * 4;
        if (window is not null && scoreBytes > MaxScoreBytes)
            throw new KitException($"image is {width}×{height}: its {numClasses} class scores take {scoreBytes / (double)(1 << 30):F1} GiB " +
                                   $"while its windows are averaged, over the {MaxScoreBytes >> 30} GiB budget; use smaller images", imagePath);
    }

    public void Validate()
    {
        SettingRules.Require(Mode is Whole or Sliding, $"evaluation.mode must be whole or sliding, got {Echo.Quote(Mode)}");
        SettingRules.Require(Window >= 0, $"evaluation.window must be ≥ 0, got {Window}");
        SettingRules.Require(StrideFraction is > 0 and <= 1, $"evaluation.stride_fraction must be in (0, 1], got {StrideFraction}");
    }
}
