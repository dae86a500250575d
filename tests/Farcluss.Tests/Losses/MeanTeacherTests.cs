using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Farcluss.Tests.Losses;

public class MeanTeacherTests : TorchTestBase
{
    static nn.Module<Tensor, Tensor> TinyNet(int outChannels = 3)
        => nn.Sequential(("conv", nn.Conv2d(2, outChannels, 1)), ("bn", nn.BatchNorm2d(outChannels)));

    static Dictionary<string, Tensor> Snapshot(nn.Module module)
        => module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(module.named_buffers().Select(b => (b.name, b.buffer)))
            .ToDictionary(t => t.Item1, t => t.Item2.detach().clone());

    [Fact]
    public void Decay_FollowsTheSchedule()
    {
        Assert.Equal(0.0, MeanTeacher.Decay(0, 0.99));        // 1 − 1/1: the first update copies the student
        Assert.Equal(0.5, MeanTeacher.Decay(1, 0.99));        // 1 − 1/2
        Assert.Equal(0.9, MeanTeacher.Decay(9, 0.99), 12);    // 1 − 1/10
        Assert.Equal(0.99, MeanTeacher.Decay(1000, 0.99));    // capped at α
    }

    [Fact]
    public void OneUpdate_MatchesTheFormula_ForParametersAndBatchNormBuffers()
    {
        using var scope = torch.NewDisposeScope();
        var student = TinyNet();
        var teacher = TinyNet();
        student.train();
        student.call(torch.randn(4, 2, 3, 3)); // moves the student's running statistics, num_batches_tracked = 1
        var before = Snapshot(teacher);
        var studentValues = Snapshot(student);
        Assert.Equal(0, before["bn.num_batches_tracked"].item<long>());

        MeanTeacher.Update(teacher, student, 0.9);

        var after = Snapshot(teacher);
        foreach (var name in new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var" })
        {
            // ξ ← 0.9 ξ + 0.1 θ, element by element (computed here in double).
            var xi = Values(before[name]);
            var theta = Values(studentValues[name]);
            var expected = xi.Zip(theta, (x, t) => 0.9 * x + 0.1 * t).ToArray();
            AssertClose(expected, after[name], 1e-6);
        }
        Assert.Equal(1, after["bn.num_batches_tracked"].item<long>()); // integer buffer copied, not averaged
    }

    [Fact]
    public void TheTeacherGetsNoGradient()
    {
        using var scope = torch.NewDisposeScope();
        var student = TinyNet();
        var teacher = TinyNet();
        MeanTeacher.CopyWeights(teacher, student);
        MeanTeacher.Freeze(teacher);
        foreach (var (name, value) in Snapshot(student))
            AssertClose(Values(value), Snapshot(teacher)[name], 0); // t = 0: teacher = student

        var x = torch.randn(4, 2, 3, 3);
        Tensor teacherOut;
        using (torch.no_grad()) teacherOut = teacher.call(x);
        var loss = (student.call(x) - teacherOut).pow(2).mean() + student.call(x).mean();
        loss.backward();
        MeanTeacher.Update(teacher, student, MeanTeacher.Decay(1, 0.99));

        Assert.All(student.parameters(), p => Assert.NotNull(p.grad));
        Assert.All(teacher.parameters(), p => { Assert.Null(p.grad); Assert.False(p.requires_grad); });
    }

    [Fact]
    public void DifferentArchitectures_AreRejected()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => MeanTeacher.CopyWeights(TinyNet(3), TinyNet(4)));
    }
}
