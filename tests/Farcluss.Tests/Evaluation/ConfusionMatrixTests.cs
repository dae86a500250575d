using Farcluss.Evaluation;
using static TorchSharp.torch;

namespace Farcluss.Tests.Evaluation;

public class ConfusionMatrixTests
{
    public ConfusionMatrixTests() => Torch.Ready();

    [Fact]
    public void IoU_and_mIoU_match_a_hand_computed_matrix()
    {
        // Rows = truth, columns = prediction, 3 classes:
        //        p0 p1 p2
        //   t0 [ 5  1  0 ]
        //   t1 [ 2  3  1 ]
        //   t2 [ 0  0  0 ]   class 2 never true, but predicted once → IoU 0/(0+1+0) = 0
        // IoU0 = 5/(5+2+1) = 0.625; IoU1 = 3/(3+1+3) = 3/7; IoU2 = 0/1 = 0; mIoU = (0.625+3/7+0)/3
        var m = new ConfusionMatrix(3);
        m.Add(0, 0, 5); m.Add(0, 1, 1); m.Add(1, 0, 2); m.Add(1, 1, 3); m.Add(1, 2, 1);
        var iou = m.PerClassIoU();
        Assert.Equal(0.625, iou[0], 12);
        Assert.Equal(3.0 / 7, iou[1], 12);
        Assert.Equal(0.0, iou[2], 12);
        Assert.Equal((0.625 + 3.0 / 7) / 3, m.MeanIoU(), 12);
        Assert.Equal(8.0 / 12, m.PixelAccuracy(), 12);
    }

    [Fact]
    public void A_class_absent_from_truth_and_prediction_is_left_out_of_the_mean()
    {
        // Class 2 appears nowhere: union 0 → NaN, excluded. IoU0 = 4/5, IoU1 = 2/3 (one 1 predicted as 0... see counts).
        var m = new ConfusionMatrix(3);
        m.Add(0, 0, 4); m.Add(1, 0, 1); m.Add(1, 1, 2);
        // IoU0 = 4/(4+1+0) = 0.8; IoU1 = 2/(2+0+1) = 2/3
        Assert.True(double.IsNaN(m.PerClassIoU()[2]));
        Assert.Equal((0.8 + 2.0 / 3) / 2, m.MeanIoU(), 12);
    }

    [Fact]
    public void Tensors_accumulate_over_batches_and_ignore_255()
    {
        var m = new ConfusionMatrix(3);
        // batch 1: truth [0,1,255,2], pred [0,2,1,2] → (0,0),(1,2),(2,2); the 255 pixel counts nowhere
        m.Add(tensor(new long[] { 0, 2, 1, 2 }), tensor(new long[] { 0, 1, 255, 2 }));
        // batch 2 (2×2): truth [[1,1],[0,255]], pred [[1,0],[0,0]] → (1,1),(1,0),(0,0)
        m.Add(tensor(new long[] { 1, 0, 0, 0 }).reshape(2, 2), tensor(new long[] { 1, 1, 0, 255 }).reshape(2, 2));
        Assert.Equal(2, m[0, 0]);
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(1, m[1, 1]);
        Assert.Equal(1, m[1, 0]);
        Assert.Equal(1, m[2, 2]);
        long total = 0;
        for (int t = 0; t < 3; t++) for (int p = 0; p < 3; p++) total += m[t, p];
        Assert.Equal(6, total);
    }
}
