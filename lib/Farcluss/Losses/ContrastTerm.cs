using Farcluss.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// The contrastive term of a step (METHOD.md §4) as the method settings choose it: FARCLUSS's prototype
/// contrast (the <see cref="ConfidentSet"/> at τ_p, the <see cref="PrototypeMemory"/>, N_a balanced anchors,
/// <see cref="PrototypeContrast"/>), or the ReCo-style pairwise term over every valid pixel, the cost the
/// paper's "lightweight" claim is measured against (<see cref="ReCoContrast"/>). Taught in notebooks 06 and 08.
/// </summary>
public static class ContrastTerm
{
    /// <param name="method">Which term, with τ_p, N_a and τ.</param>
    /// <param name="embeddings">[B_l + B_u, D, h, w] unit embeddings z of the student's labeled and strong unlabeled images.</param>
    /// <param name="labeledMasks">[B_l, H, W] ground truth of the labeled weak view.</param>
    /// <param name="teacherProbs">[B_u, C, H, W] p, aligned with the strong view.</param>
    /// <param name="valid">[B_u, H, W] bool: unlabeled pixels that count.</param>
    /// <param name="memory">The prototype memory (updated in place); unused by ReCo.</param>
    /// <param name="g">Source of randomness (anchors, or ReCo's queries and negatives).</param>
    /// <returns>L_con, a scalar.</returns>
    public static Tensor Loss(MethodSettings method, Tensor embeddings, Tensor labeledMasks, Tensor teacherProbs, Tensor valid,
        PrototypeMemory? memory, Generator g)
    {
        if (method.Contrast == ContrastKind.Prototype)
            return PrototypeContrast.StepLoss(ConfidentSet.Select(embeddings, labeledMasks, teacherProbs, valid, method.PrototypeConfidence),
                memory ?? throw new ArgumentNullException(nameof(memory), "the prototype term needs its memory"),
                method.Anchors, method.ContrastTemperature, g);
        var all = ConfidentSet.Select(embeddings, labeledMasks, teacherProbs, valid, confidenceThreshold: 0);
        return ReCoContrast.Loss(all.Embeddings, all.Labels, all.Confidence, (int)teacherProbs.shape[1], g);
    }
}
