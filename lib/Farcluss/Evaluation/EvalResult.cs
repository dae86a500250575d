namespace Farcluss.Evaluation;

/// <summary>Evaluation of one model on one split: mIoU, per-class IoU and pixel accuracy (<see cref="Evaluator"/>).</summary>
public sealed record EvalResult(string Split, string Model, long Step, double MeanIoU, double[] PerClassIoU, double PixelAccuracy);
