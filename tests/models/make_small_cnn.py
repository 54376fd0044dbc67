#!/usr/bin/python3
"""Export a tiny CNN (random weights, seed 0) as an ONNX test model.

    /usr/bin/python3 tests/models/make_small_cnn.py OUTDIR [--opsets 13] [--preserve-bn]

Conv(3->8,3x3,pad 1) - BatchNorm - Relu - MaxPool(2) - Conv(8->16,3x3,pad 1) - Relu -
GlobalAveragePool - Flatten - Gemm(16->10), input 'input' [batch,3,32,32], output 'output'.
BatchNorm gets random (seeded) running statistics and affine parameters, so folding it
is not a no-op. Writes OUTDIR/small_cnn_op13[_bn]/ in the same backend-test layout as
export_torchvision.py (model.onnx, test_data_set_0/input_0.pb, output_0.pb).
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_torchvision import csv_list, export_model  # noqa: E402


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)
        with torch.no_grad():
            self.bn1.running_mean.uniform_(-0.5, 0.5)
            self.bn1.running_var.uniform_(0.5, 2.0)
            self.bn1.weight.uniform_(0.5, 1.5)
            self.bn1.bias.uniform_(-0.2, 0.2)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.conv2(x))
        return self.fc(torch.flatten(self.gap(x), 1))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("outdir")
    p.add_argument("--opsets", type=csv_list, default=["13"], help="comma-separated, default 13")
    p.add_argument("--preserve-bn", action="store_true", help="keep the BatchNormalization node")
    a = p.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    sources = [__file__, os.path.join(here, "export_torchvision.py")]
    for opset in a.opsets:
        export_model(SmallCNN, "small_cnn", a.outdir, int(opset), a.preserve_bn, [1, 3, 32, 32], sources)
    return 0


if __name__ == "__main__":
    sys.exit(main())
