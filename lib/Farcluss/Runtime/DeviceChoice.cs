using TorchSharp;

namespace Farcluss.Runtime;

/// <summary>Resolves the <c>--device auto|cpu|cuda</c> setting to a torch device.</summary>
public static class DeviceChoice
{
    public static torch.Device Resolve(string choice)
    {
        NativeLibTorch.EnsureLoadable();
        return choice.ToLowerInvariant() switch
        {
            "cpu" => torch.CPU,
            "cuda" => torch.cuda.is_available()
                ? torch.CUDA
                : throw new KitException("--device cuda was asked for, but no CUDA device is available to TorchSharp " +
                                         "(build with -p:FarclussBackend=cuda on a machine with an NVIDIA GPU; see README, 'GPU')."),
            "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
            _ => throw new KitException($"unknown device {Echo.Quote(choice)}: use auto, cpu or cuda"),
        };
    }
}
