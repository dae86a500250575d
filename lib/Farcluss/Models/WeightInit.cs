using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Farcluss.Models;

/// <summary>
/// Initialises a freshly built model from one random generator, so that a model's starting
/// weights are a pure function of a seed (the trainer can then build a student and a teacher,
/// or two runs, identically). Convolutions: He (Kaiming) normal with fan-out, as torchvision's
/// ResNet does; biases 0; BatchNorm scale 1, shift 0; the classifier: normal with standard
/// deviation 0.01 (a common choice for a last layer), so a fresh model predicts nearly uniform class
/// probabilities and its first cross-entropy is close to ln C. Taught in notebook 01.
/// </summary>
public static class WeightInit
{
    /// <summary>Re-initialises every convolution and BatchNorm of <paramref name="model"/>.</summary>
    /// <param name="model">A model whose submodules are all registered.</param>
    /// <param name="generator">Where the random numbers come from; null = torch's global generator
    /// (so <c>torch.manual_seed</c> before building also makes a model reproducible).</param>
    public static void HeFanOut(nn.Module model, Generator? generator)
    {
        using var noGrad = torch.no_grad();
        // named_modules walks in registration order, so the draws happen in a fixed order.
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    var shape = conv.weight!.shape;
                    long fanOut = shape[0] * shape[2] * shape[3];
                    conv.weight.normal_(0, Math.Sqrt(2.0 / fanOut), generator);
                    conv.bias?.zero_();
                    break;
                case BatchNorm2d bn:
                    bn.weight?.fill_(1);
                    bn.bias?.zero_();
                    break;
            }
        }
    }

    /// <summary>Standard deviation of a classifier's initial weights.</summary>
    public const double ClassifierStd = 0.01;

    /// <summary>Re-initialises a final 1×1 classifier: weights normal(0, <see cref="ClassifierStd"/>), bias 0.</summary>
    public static void Classifier(Conv2d classifier, Generator? generator)
    {
        using var noGrad = torch.no_grad();
        classifier.weight!.normal_(0, ClassifierStd, generator);
        classifier.bias?.zero_();
    }
}
