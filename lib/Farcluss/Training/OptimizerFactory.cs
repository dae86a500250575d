using Farcluss.Config;
using Farcluss.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Training;

/// <summary>
/// The kit's optimizers: Adam for the compact model trained from scratch, SGD with momentum 0.9 for
/// pretrained ResNets (UniMatch's recipe), with the backbone at <see cref="OptimizerSettings.BackboneLrMultiplier"/>
/// times the head's rate. The poly schedule is applied by the trainer each step.
/// </summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(OptimizerSettings settings, SegmentationModel student, nn.Module? head)
    {
        var backbone = student is ResNetDeepLabV3Plus resnet && settings.BackboneLrMultiplier != 1.0
            ? resnet.BackboneParameters().ToList() : new List<Parameter>();
        var backboneSet = new HashSet<Parameter>(backbone, ReferenceEqualityComparer.Instance);
        var rest = student.parameters().Where(p => !backboneSet.Contains(p)).ToList();
        if (head is not null) rest.AddRange(head.parameters());
        double lr = settings.LearningRate, backboneLr = lr * settings.BackboneLrMultiplier;
        // One rate for everything: the plain constructors, with every other option at its documented default.
        if (backbone.Count == 0)
            return settings.Name == "sgd"
                ? optim.SGD(rest, lr, momentum: 0.9, weight_decay: settings.WeightDecay)
                : optim.Adam(rest, lr, weight_decay: settings.WeightDecay);

        if (settings.Name == "sgd")
        {
            var groups = new List<SGD.ParamGroup> { new(rest, new SGD.Options { LearningRate = lr, momentum = 0.9, weight_decay = settings.WeightDecay }) };
            if (backbone.Count > 0) groups.Add(new(backbone, new SGD.Options { LearningRate = backboneLr, momentum = 0.9, weight_decay = settings.WeightDecay }));
            return optim.SGD(groups, lr, momentum: 0.9, weight_decay: settings.WeightDecay);
        }
        var adamGroups = new List<Adam.ParamGroup> { new(rest, new Adam.Options { LearningRate = lr, weight_decay = settings.WeightDecay }) };
        if (backbone.Count > 0) adamGroups.Add(new(backbone, new Adam.Options { LearningRate = backboneLr, weight_decay = settings.WeightDecay }));
        return optim.Adam(adamGroups, lr, weight_decay: settings.WeightDecay);
    }

    /// <summary>The poly schedule, set before every step: each group's rate is its initial rate × (1 − t/T)^power.</summary>
    public static void SetPolyLearningRate(OptimizerHelper optimizer, long step, long steps, double power)
    {
        double factor = Math.Pow(1.0 - (double)step / steps, power);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = group.InitialLearningRate * factor;
    }
}
