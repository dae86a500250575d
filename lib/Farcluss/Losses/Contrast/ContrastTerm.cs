using Farcluss.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// The contrastive term of a step (METHOD.md §4) as the method settings choose it: FARCLUSS's prototype
/// contrast (the <see cref="ConfidentSet"/> at τ_p, N_a balanced anchors against the <see cref="PrototypeMemory"/>,
/// <see cref="PrototypeContrast"/>), or the ReCo-style pairwise term over every valid pixel, the cost the
/// paper's "lightweight" claim is measured against (<see cref="ReCoContrast"/>). Every file of §4 is in this
/// folder. Taught in notebooks 06 and 08.
/// </summary>
public static class ContrastTerm
{
    /// <summary>The confidence an unlabeled pixel needs to join the term's <see cref="ConfidentSet"/>: τ_p for the
    /// prototype term, 0 (every valid pixel) for ReCo, which weighs pixels by confidence instead.</summary>
    public static double ConfidenceThreshold(MethodSettings method) =>
        method.Contrast == ContrastKind.Prototype ? method.PrototypeConfidence : 0;

    /// <param name="method">Which term, with N_a and τ.</param>
    /// <param name="confident">The step's confident set, at <see cref="ConfidenceThreshold"/>.</param>
    /// <param name="memory">The prototype memory, already updated with this batch; unused by ReCo.</param>
    /// <param name="numClasses">C.</param>
    /// <param name="g">Source of randomness (anchors, or ReCo's queries and negatives).</param>
    /// <returns>L_con, a scalar.</returns>
    public static Tensor Loss(MethodSettings method, ConfidentSet confident, PrototypeMemory? memory, int numClasses, Generator g) =>
        method.Contrast == ContrastKind.Prototype
            ? PrototypeContrast.AnchorLoss(confident, memory ?? throw new ArgumentNullException(nameof(memory), "the prototype term needs its memory"),
                method.Anchors, method.ContrastTemperature, g)
            : ReCoContrast.Loss(confident.Embeddings, confident.Labels, confident.Confidence, numClasses, g);
}
