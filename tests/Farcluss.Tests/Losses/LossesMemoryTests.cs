using Farcluss.Config;
using Farcluss.Losses;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Farcluss.Tests.Losses;

public class LossesMemoryTests : TorchTestBase
{
    [Fact]
    public void LiveTensorCount_StaysFlatOverManySteps()
    {
        const int numClasses = 4, dim = 8;
        using var rebalancer = new ClassRebalancer(numClasses, new MethodSettings());
        using var memory = new PrototypeMemory(numClasses, dim, momentum: 0.99);
        var g = new Generator(1);
        var student = nn.Sequential(("conv", nn.Conv2d(2, 3, 1)), ("bn", nn.BatchNorm2d(3)));
        var teacher = nn.Sequential(("conv", nn.Conv2d(2, 3, 1)), ("bn", nn.BatchNorm2d(3)));
        MeanTeacher.CopyWeights(teacher, student);
        MeanTeacher.Freeze(teacher);
        var live = new List<long>();
        for (int step = 0; step < 12; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                // Everything a FARCLUSS step asks of these building blocks, on a tiny batch.
                var teacherProbs = torch.softmax(torch.randn(new long[] { 2, numClasses, 4, 4 }, generator: g) * 3, 1);
                var studentLogits = torch.randn(new long[] { 2, numClasses, 4, 4 }, generator: g).requires_grad_(true);
                var valid = torch.ones(new long[] { 2, 4, 4 }, ScalarType.Bool);
                var fuzzyTargets = FuzzyPseudoLabels.Compute(teacherProbs, 3);
                rebalancer.Update(fuzzyTargets, valid);
                var lossWeights = UncertaintyWeight.Compute(teacherProbs, 1.0) * rebalancer.PixelClassWeights(fuzzyTargets);
                var lossU = UnsupervisedLoss.Compute(studentLogits, fuzzyTargets, lossWeights, valid);

                var z = F.normalize(torch.randn(new long[] { 32, dim }, generator: g), p: 2, dim: 1).requires_grad_(true);
                var labels = torch.randint(0, numClasses, new long[] { 32 }, generator: g);
                memory.Update(z.detach(), labels);
                var anchors = BalancedAnchors.Sample(labels, numClasses, 16, g);
                var lossC = PrototypeContrast.Loss(z.index_select(0, anchors), labels.index_select(0, anchors), memory, temperature: 0.1);
                var lossReCo = ReCoContrast.Loss(z, labels, torch.rand(new long[] { 32 }, generator: g), numClasses, g, queries: 8, negatives: 16);
                var lossModel = student.call(torch.randn(new long[] { 2, 2, 3, 3 }, generator: g)).mean();
                (lossU + lossC + lossReCo + lossModel).backward();
                MeanTeacher.Update(teacher, student, MeanTeacher.Decay(step, new MethodSettings().EmaDecay));
            }
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        Assert.All(live.Skip(2), count => Assert.Equal(live[1], count));
        // The modules' own tensors were not swept away by the steps' scopes.
        using var after = teacher.call(torch.randn(1, 2, 3, 3));
        Assert.True(after.isfinite().all().item<bool>());
    }
}
