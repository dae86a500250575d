#!/usr/bin/env python3
"""Makes the weight-import fixture for ResNetWeightImportTests (run with Debian's python3-torch
1.13 and python3-torchvision 0.14: /usr/bin/python3 make_fixture.py; deterministic, CPU).

A torchvision-style ResNet small enough to commit: torchvision's own Bottleneck blocks, stacked
the way torchvision's ResNet._make_layer stacks them, with base width 8 instead of 64 and
[2, 1, 2, 2] blocks per layer; it is checked below to give exactly torchvision's resnet50 when
built at width 64 with [3, 4, 6, 3]. Random weights, and BatchNorm statistics set away from
0/1 so that eval-mode outputs depend on every tensor.

Writes:
  tiny-resnet.pth  the state dict (conv1 ... layer4, fc.*) as torch.save writes it, as torchvision
                   publishes its ImageNet files: the kit reads it in C# (PthFile)
  tiny-resnet.bin  the same .pth converted by data-scripts/convert-torchvision-weights.py (the
                   optional path through Python)
  reference.bin    "input" [2, 3, 37, 41] and, in eval mode, "low_level" (layer1) and
                   "deep" (layer4) for output stride 16 (layer4 dilated) and 8 (layer3 and 4)
The .pth and .bin are the same bytes on every run (torch.save stores its zip entries uncompressed).
reference.bin's last float bits can differ between runs and machines (convolution kernels): the
committed one is from the first run, and the test's tolerance (1e-5 + 1e-4·|x|) is far above that.
"""
import os
import sys

import torch
from torch import nn
from torchvision.models import resnet50
from torchvision.models.resnet import Bottleneck

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "data-scripts"))
convert = __import__("convert-torchvision-weights")

BASE_WIDTH = 8
BLOCKS = [2, 1, 2, 2]
NUM_CLASSES = 10


class TorchvisionStyleResNet(nn.Module):
    """torchvision's ResNet (v1.5 Bottleneck) with the stem width and block counts as parameters."""

    def __init__(self, base_width, blocks, replace_stride_with_dilation, num_classes):
        super().__init__()
        self.inplanes, self.dilation = base_width, 1
        self.conv1 = nn.Conv2d(3, base_width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(base_width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(base_width, blocks[0], 1, False)
        self.layer2 = self._make_layer(base_width * 2, blocks[1], 2, replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(base_width * 4, blocks[2], 2, replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(base_width * 8, blocks[3], 2, replace_stride_with_dilation[2])
        self.fc = nn.Linear(base_width * 8 * Bottleneck.expansion, num_classes)

    def _make_layer(self, planes, count, stride, dilate):
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        downsample = None
        if stride != 1 or self.inplanes != planes * Bottleneck.expansion:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes * Bottleneck.expansion, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes * Bottleneck.expansion))
        layers = [Bottleneck(self.inplanes, planes, stride, downsample, dilation=previous_dilation)]
        self.inplanes = planes * Bottleneck.expansion
        layers += [Bottleneck(self.inplanes, planes, dilation=self.dilation) for _ in range(1, count)]
        return nn.Sequential(*layers)

    def features(self, x):
        low_level = self.layer1(self.maxpool(self.relu(self.bn1(self.conv1(x)))))
        return low_level, self.layer4(self.layer3(self.layer2(low_level)))


def check_against_torchvision():
    """At width 64 with [3, 4, 6, 3] this builder is torchvision's resnet50: same keys, shapes, outputs."""
    dilation = [False, True, True]
    reference = resnet50(replace_stride_with_dilation=dilation).eval()
    ours = TorchvisionStyleResNet(64, [3, 4, 6, 3], dilation, 1000).eval()
    expected = reference.state_dict()
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == [(k, v.shape) for k, v in expected.items()]
    ours.load_state_dict(expected)
    x = torch.rand(1, 3, 37, 41)
    with torch.no_grad():
        assert torch.equal(ours.fc(ours.features(x)[1].mean((2, 3))), reference(x))


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    check_against_torchvision()

    torch.manual_seed(20261128)
    model = TorchvisionStyleResNet(BASE_WIDTH, BLOCKS, [False, False, True], NUM_CLASSES)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.running_mean.uniform_(-0.3, 0.3)
                module.running_var.uniform_(0.5, 2.0)
                module.num_batches_tracked.fill_(1234)
    state = model.state_dict()

    pth = os.path.join(HERE, "tiny-resnet.pth")
    torch.save(state, pth)
    assert convert.main(["convert", pth, os.path.join(HERE, "tiny-resnet.bin")]) == 0

    images = torch.rand(2, 3, 37, 41, generator=torch.Generator().manual_seed(7))
    reference = {"input": images}
    for output_stride, dilation in ((16, [False, False, True]), (8, [False, True, True])):
        net = TorchvisionStyleResNet(BASE_WIDTH, BLOCKS, dilation, NUM_CLASSES).eval()
        net.load_state_dict(state)
        with torch.no_grad():
            low_level, deep = net.features(images)
        reference[f"low_level_os{output_stride}"] = low_level
        reference[f"deep_os{output_stride}"] = deep
    convert.write_state_dict(reference, os.path.join(HERE, "reference.bin"))
    for name, tensor in reference.items():
        print(name, tuple(tensor.shape), f"sum {tensor.double().sum().item():.6f}")
    print("parameters and buffers:", sum(t.numel() for t in state.values()), "in", len(state), "tensors")


if __name__ == "__main__":
    main()
