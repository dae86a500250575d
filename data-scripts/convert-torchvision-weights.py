#!/usr/bin/env python3
"""Convert a PyTorch/torchvision checkpoint (.pth) to TorchSharp's state-dict format for the kit.

OPTIONAL: the kit reads torchvision's .pth files itself, in C#, with no Python (model.backbone_weights
takes the .pth as downloaded; lib/Farcluss/Models/PthFile.cs). Its reader is not Python's unpickler:
it refuses any pickle that names anything but tensors, storages and plain containers. Use this
script only for what that reader refuses and you trust: a file in PyTorch's format from before 1.6
(a bare pickle), or a checkpoint that holds more than a state dict. It unpickles in your own Python
with torch's restricted loader (weights_only=True), once, such as torchvision's published ImageNet
weights, resnet50-0676ba61.pth and resnet101-63fe2227.pth
(IMAGENET1K_V1). Their addresses are in torchvision itself; with python3-torchvision installed:

    python3 -c "from torchvision.models import ResNet101_Weights as W; print(W.IMAGENET1K_V1.url)"

The 8 hex digits in each name are the start of the file's sha256; torchvision checks them, and
so does this script when the name has that form.

    python3 data-scripts/convert-torchvision-weights.py resnet101-63fe2227.pth data/weights/resnet101.bin

Then set "model": {"kind": "resnet101", "backbone_weights": "weights/resnet101.bin"} (see
docs/full-scale.md). The output holds every tensor of the state dict, names unchanged
(conv1.weight, layer1.0.bn1.running_mean, ..., fc.*); the kit maps each backbone name, ignores
fc.*, and fails listing missing, unexpected and mis-shaped tensors.

Format written (TorchSharp's, as its Module.load reads it): ULEB128 entry count; per entry a
ULEB128 name length, the UTF-8 name, ULEB128 element type (TorchSharp's ScalarType: 4 int64,
6 float32, ...), ULEB128 rank, ULEB128 sizes, then the raw little-endian elements, row-major.
Needs only torch (Debian: apt-get install python3-torch); written atomically.
"""
import hashlib
import os
import re
import sys

import torch

# torch dtype -> TorchSharp ScalarType code.
_SCALAR_TYPES = {
    torch.uint8: 0, torch.int8: 1, torch.int16: 2, torch.int32: 3, torch.int64: 4,
    torch.float16: 5, torch.float32: 6, torch.float64: 7, torch.bool: 11, torch.bfloat16: 15,
}


def _uleb128(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def write_state_dict(state, path):
    """Writes {name: tensor} in TorchSharp's format, to a temporary file renamed at the end."""
    temporary = path + ".tmp"
    with open(temporary, "wb") as stream:
        stream.write(_uleb128(len(state)))
        for name, tensor in state.items():
            if tensor.dtype not in _SCALAR_TYPES:
                raise SystemExit(f"error: {name}: dtype {tensor.dtype} has no TorchSharp code")
            encoded = name.encode("utf-8")
            stream.write(_uleb128(len(encoded)))
            stream.write(encoded)
            stream.write(_uleb128(_SCALAR_TYPES[tensor.dtype]))
            stream.write(_uleb128(tensor.dim()))
            for size in tensor.shape:
                stream.write(_uleb128(size))
            stream.write(tensor.detach().cpu().contiguous().numpy().tobytes())
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def _check_torchvision_hash(path):
    match = re.search(r"-([0-9a-f]{8,})\.pth$", os.path.basename(path))
    if not match:
        return
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    if not digest.hexdigest().startswith(match.group(1)):
        raise SystemExit(f"error: {path}: sha256 {digest.hexdigest()} does not start with {match.group(1)} "
                         "(torchvision names its files by that prefix): damaged or not the published file")


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) == 2 else 2
    source, target = argv[1], argv[2]
    _check_torchvision_hash(source)
    # weights_only: torch's restricted unpickler (tensors and plain containers only), as a second fence.
    state = torch.load(source, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise SystemExit(f"error: {source}: not a state dict of tensors")
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    write_state_dict(state, target)
    print(f"wrote {len(state)} tensors to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
