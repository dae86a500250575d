using Farcluss.Losses;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Tests.Losses;

public class UnsupervisedLossTests : TorchTestBase
{
    [Fact]
    public void HardLimit_EqualsCrossEntropyAgainstTheArgmax()
    {
        using var scope = torch.NewDisposeScope();
        var g = new Generator(7);
        var studentLogits = torch.randn(new long[] { 2, 3, 4, 4 }, generator: g);
        var teacherProbs = torch.softmax(torch.randn(new long[] { 2, 3, 4, 4 }, generator: g) * 3, 1);
        var valid = torch.rand(new long[] { 2, 4, 4 }, generator: g).gt(0.3);

        // K = 1, w = 1, r = 1 …
        var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, 1);
        var ones = torch.ones(new long[] { 2, 4, 4 });
        var loss = UnsupervisedLoss.Compute(studentLogits, fuzzyTargets, ones, valid);

        // … is cross-entropy against argmax p, with invalid pixels labelled 255 and ignored.
        var hardLabels = teacherProbs.argmax(1).masked_fill(valid.logical_not(), Labels.Ignore);
        var expected = F.cross_entropy(studentLogits, hardLabels, ignore_index: Labels.Ignore);
        AssertClose(Values(expected)[0], loss, 1e-6);
    }

    [Fact]
    public void ByHand_TwoByTwoWithWeights()
    {
        using var scope = torch.NewDisposeScope();
        var studentLogits = Pixels(2, 2,
            new[] { 0.0, 0, 0 },          // log-softmax = −ln 3 each
            new[] { Math.Log(2), 0, 0 },  // logsumexp = ln 4 → (−ln 2, −2 ln 2, −2 ln 2)
            new[] { 0.0, 0, 0 },
            new[] { 5.0, 0, 0 }).requires_grad_(true); // invalid pixel
        var fuzzyTargets = Pixels(2, 2,
            new[] { 1.0, 0, 0 },          // CE = ln 3
            new[] { 0.5, 0.5, 0 },        // CE = 0.5 ln 2 + 0.5 · 2 ln 2 = 1.5 ln 2
            new[] { 0, 0.25, 0.75 },      // CE = ln 3
            new[] { 0, 1.0, 0 });
        var lossWeights = Map(2, 2, 0.5, 2, 1, 7);
        var valid = Mask(2, 2, true, true, true, false);
        var loss = UnsupervisedLoss.Compute(studentLogits, fuzzyTargets, lossWeights, valid);
        // (0.5 ln 3 + 2 · 1.5 ln 2 + 1 · ln 3) / N_valid = (1.5 ln 3 + 3 ln 2) / 3 = 0.5 ln 3 + ln 2 = 1.242453
        AssertClose(1.242453, loss, 1e-6);

        loss.backward();
        // The invalid pixel (1, 1) gets no gradient.
        AssertClose(new[] { 0.0, 0, 0 }, studentLogits.grad!.select(3, 1).select(2, 1).select(0, 0), 0);
    }

    [Fact]
    public void NoValidPixel_GivesZeroNotNaN()
    {
        using var scope = torch.NewDisposeScope();
        var studentLogits = torch.randn(1, 3, 2, 2).requires_grad_(true);
        var fuzzyTargets = torch.full(new long[] { 1, 3, 2, 2 }, double.NaN); // even garbage targets
        var loss = UnsupervisedLoss.Compute(studentLogits, fuzzyTargets, torch.ones(1, 2, 2), Mask(2, 2, false, false, false, false));
        AssertClose(0.0, loss, 0);
        loss.backward();
        AssertClose(new double[12], studentLogits.grad!, 0);
    }
}
