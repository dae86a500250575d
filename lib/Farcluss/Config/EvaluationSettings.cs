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

    public void Validate()
    {
        MethodSettings.Require(Mode is Whole or Sliding, $"evaluation.mode must be whole or sliding, got '{Mode}'");
        MethodSettings.Require(Window >= 0, $"evaluation.window must be ≥ 0, got {Window}");
        MethodSettings.Require(StrideFraction is > 0 and <= 1, $"evaluation.stride_fraction must be in (0, 1], got {StrideFraction}");
    }
}
