#!/usr/bin/python3
"""Train a small CNN on scikit-learn's digits and export it to ONNX.

Real data for the quantization tests (tests/conformance/run_quantize.sh):
the float model's accuracy on a held-out split is the baseline that every
quantization scheme is measured against. Deterministic (fixed seeds, one
thread) and quick (a few seconds on one core).

    /usr/bin/python3 tests/models/train_digits.py OUTDIR [--opset 13]

Writes to OUTDIR:
    digits_cnn.onnx     input 'input' [batch,1,8,8] float32 (pixels / 16),
                        output 'logits' [batch,10]
    calib/NNN.npy       calibration batches from the training split
                        (4 files of [32,1,8,8]: 128 samples)
    test_x.npy          held-out images [N,1,8,8] float32
    test_y.npy          their labels [N] int64
    float.json          {"accuracy": ..., "train": n, "test": n}
The directory is reused when digits_cnn.onnx is newer than this script.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class DigitsCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 32, 3, padding=1), torch.nn.ReLU())
        self.classifier = torch.nn.Sequential(
            torch.nn.Flatten(), torch.nn.Linear(32 * 4 * 4, 64), torch.nn.ReLU(),
            torch.nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def load_split():
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[:, None, :, :]
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)


def train(x, y, epochs=40):
    torch.manual_seed(0)
    model = DigitsCnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--opset", type=int, default=13)
    args = ap.parse_args()
    out = args.outdir
    onnx_path = os.path.join(out, "digits_cnn.onnx")
    if os.path.exists(onnx_path) and os.path.getmtime(onnx_path) > os.path.getmtime(__file__):
        print(f"{out}: up to date")
        return 0
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    x_train, x_test, y_train, y_test = load_split()
    model = train(x_train, y_train)
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(x_test)).argmax(1).numpy() == y_test).mean())
    os.makedirs(os.path.join(out, "calib"), exist_ok=True)
    for i in range(4):
        np.save(os.path.join(out, "calib", f"{i:03d}.npy"), x_train[i * 32:(i + 1) * 32])
    np.save(os.path.join(out, "test_x.npy"), x_test)
    np.save(os.path.join(out, "test_y.npy"), y_test)
    torch.onnx.export(model, torch.from_numpy(x_test[:1]), onnx_path, opset_version=args.opset,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(out, "float.json"), "w") as f:
        json.dump({"accuracy": accuracy, "train": len(y_train), "test": len(y_test)}, f)
    print(f"{out}: float accuracy {accuracy * 100:.2f}% on {len(y_test)} held-out digits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
