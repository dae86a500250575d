using static TorchSharp.torch;

namespace Farcluss.Losses;

/// <summary>
/// The pixels a contrastive term learns from (METHOD.md §4), at feature resolution: labeled pixels
/// with their ground truth, and valid unlabeled pixels whose teacher confidence max_c p_i,c reaches
/// τ_p, with the teacher's argmax. Labels are resized by <see cref="LabelResize"/>; a pixel labeled
/// 255 (ignored, padded, or not confident) is left out. Taught in notebook 06 (prototype-contrast).
/// </summary>
/// <param name="Embeddings">[N, D] the projected features z of the set's pixels (with gradient).</param>
/// <param name="Labels">[N] int64 class of each.</param>
/// <param name="Confidence">[N] the teacher's confidence for unlabeled pixels, 1 for labeled ones.</param>
public sealed record ConfidentSet(Tensor Embeddings, Tensor Labels, Tensor Confidence)
{
    /// <summary>Selects the set from a student pass over the labeled and the unlabeled images, in that order.</summary>
    /// <param name="embeddings">[B_l + B_u, D, h, w] unit embeddings z.</param>
    /// <param name="labeledMasks">[B_l, H, W] ground truth of the labeled weak view.</param>
    /// <param name="teacherProbs">[B_u, C, H, W] p, aligned with the strong view.</param>
    /// <param name="valid">[B_u, H, W] bool: unlabeled pixels that count.</param>
    /// <param name="confidenceThreshold">τ_p; 0 keeps every valid unlabeled pixel.</param>
    public static ConfidentSet Select(Tensor embeddings, Tensor labeledMasks, Tensor teacherProbs, Tensor valid, double confidenceThreshold)
    {
        long h = embeddings.shape[2], w = embeddings.shape[3];
        var (confidence, teacherArgmax) = teacherProbs.max(1);
        var flatEmbeddings = embeddings.permute(0, 2, 3, 1).reshape(-1, embeddings.shape[1]);
        var left = valid.logical_not();
        if (confidenceThreshold > 0) left = confidence.lt(confidenceThreshold).logical_or(left);
        var unlabeledLabels = teacherArgmax.masked_fill(left, Farcluss.Labels.Ignore);
        var labels = cat(new[] { LabelResize.Nearest(labeledMasks, h, w), LabelResize.Nearest(unlabeledLabels, h, w) }, 0).flatten();
        var labeledConfidence = ones(labeledMasks.shape[0], h, w, device: confidence.device);
        var pixelConfidence = cat(new[] { labeledConfidence, LabelResize.NearestMap(confidence, h, w) }, 0).flatten();
        var index = labels.ne(Farcluss.Labels.Ignore).nonzero().squeeze(1);
        return new ConfidentSet(flatEmbeddings.index_select(0, index), labels.index_select(0, index), pixelConfidence.index_select(0, index));
    }
}
