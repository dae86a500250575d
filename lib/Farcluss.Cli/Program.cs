using TorchSharp;
Farcluss.Runtime.NativeLibTorch.EnsureLoadable();
var t = torch.ones(3);
Console.WriteLine(t.sum().item<float>());
