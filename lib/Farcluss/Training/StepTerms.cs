using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// What one training step computed, as <see cref="Trainer.TrainStep"/> hands it to
/// <see cref="StepDiagnostics"/>: the loss and its terms (METHOD.md "Total") and, when the step used
/// unlabeled data, the maps the diagnostics summarise. The unlabeled maps are null in a supervised step.
/// </summary>
/// <param name="Loss">L = L_s + λ_u L_u + λ_c L_con.</param>
/// <param name="Supervised">L_s.</param>
/// <param name="Unsupervised">L_u.</param>
/// <param name="Contrast">L_con (null without a contrastive term).</param>
/// <param name="UnsupervisedLambda">λ_u times the ramp at this step (0 in a supervised step).</param>
/// <param name="UncertaintyWeights">w [B, H, W] (§2), before class rebalancing.</param>
/// <param name="Valid">[B, H, W] bool: the unlabeled pixels that count.</param>
/// <param name="TeacherProbs">p [B, C, H, W], aligned with the strong view.</param>
/// <param name="Hidden">The unlabeled images' hidden labels [B, H, W], aligned with the strong view (diagnostics only).</param>
public sealed record StepTerms(
    Tensor Loss,
    Tensor Supervised,
    Tensor? Unsupervised = null,
    Tensor? Contrast = null,
    double UnsupervisedLambda = 0,
    Tensor? UncertaintyWeights = null,
    Tensor? Valid = null,
    Tensor? TeacherProbs = null,
    Tensor? Hidden = null);
