namespace Farcluss;

/// <summary>What the first bytes of a weights or checkpoint file say it is, before anything else is read.</summary>
public enum TorchFileKind
{
    /// <summary>Neither of the PyTorch forms below (the kit's checkpoint, TorchSharp's state dict, or anything else).</summary>
    Other,
    /// <summary>A zip archive: a .pth/.pt as <c>torch.save</c> writes it since PyTorch 1.6.</summary>
    Zip,
    /// <summary>A bare pickle (PROTO opcode, protocols 2–5): a .pth from before PyTorch 1.6.</summary>
    Pickle,
}
