#!/usr/bin/python3
"""Export torchvision architectures (random weights) to ONNX test models.

Run with Debian's interpreter, which sees python3-torch/torchvision/onnx:

    /usr/bin/python3 tests/models/export_torchvision.py OUTDIR \
        [--models resnet18,resnet50,...] [--opsets 13,17] [--preserve-bn]

Writes, for each model and opset, OUTDIR/<model>_op<opset>[_bn]/ in the ONNX
backend-test layout:

    model.onnx                       input 'input' [batch,3,224,224], output 'output'
    test_data_set_0/input_0.pb       random normal input (seed 0), shape [1,3,224,224]
    test_data_set_0/output_0.pb      torch's output on that input

Weights come from torch.manual_seed(0) before each build (weights=None, no download).
Eval-mode export folds BatchNormalization into Conv; --preserve-bn exports with
TrainingMode.PRESERVE and no constant folding so BN nodes stay (dir suffix _bn).
A model dir is reused when its model.onnx is newer than this script.
"""
import argparse
import os
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torchvision

MODELS = [
    "resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small",
    "mobilenet_v3_large", "squeezenet1_1", "shufflenet_v2_x1_0", "efficientnet_b0",
]


def write_tensor(path, arr, name):
    with open(path, "wb") as f:
        f.write(onnx.numpy_helper.from_array(np.ascontiguousarray(arr), name).SerializeToString())


def is_cached(model_path, sources):
    """model.onnx (and its data) exist and are newer than every source script."""
    data = os.path.join(os.path.dirname(model_path), "test_data_set_0", "output_0.pb")
    if not (os.path.exists(model_path) and os.path.exists(data)):
        return False
    newest = max(os.path.getmtime(s) for s in sources)
    return os.path.getmtime(model_path) > newest


def export_model(build, name, outdir, opset, preserve_bn, input_shape, sources=(__file__,)):
    """Build a module with build() under seed 0, export it, write test data.

    Returns the model directory. Prints one line with time and node count.
    """
    mdir = os.path.join(outdir, f"{name}_op{opset}" + ("_bn" if preserve_bn else ""))
    model_path = os.path.join(mdir, "model.onnx")
    label = os.path.basename(mdir)
    if is_cached(model_path, [os.path.abspath(s) for s in sources]):
        nodes = len(onnx.load(model_path, load_external_data=False).graph.node)
        print(f"{label}: cached, {nodes} nodes", flush=True)
        return mdir
    t0 = time.time()
    torch.manual_seed(0)
    model = build().eval()
    x = np.random.default_rng(0).standard_normal(input_shape, dtype=np.float32)
    xt = torch.from_numpy(x)
    with torch.no_grad():
        y = model(xt).numpy()

    data_dir = os.path.join(mdir, "test_data_set_0")
    os.makedirs(data_dir, exist_ok=True)
    tmp_path = model_path + ".tmp"
    kwargs = {}
    if preserve_bn:
        kwargs = {"training": torch.onnx.TrainingMode.PRESERVE, "do_constant_folding": False}
    with torch.no_grad():
        torch.onnx.export(
            model, xt, tmp_path, opset_version=opset,
            input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, **kwargs)
    onnx.checker.check_model(tmp_path)
    graph = onnx.load(tmp_path).graph
    write_tensor(os.path.join(data_dir, "input_0.pb"), x, "input")
    write_tensor(os.path.join(data_dir, "output_0.pb"), y, "output")
    os.replace(tmp_path, model_path)  # last, so an interrupted run is not taken as cached
    ops = {}
    for n in graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    extra = f", {ops.get('BatchNormalization', 0)} BatchNormalization" if preserve_bn else ""
    size = os.path.getsize(model_path) / 1e6
    print(f"{label}: exported in {time.time() - t0:.2f}s, {len(graph.node)} nodes{extra}, "
          f"{size:.2f} MB, output {list(y.shape)}", flush=True)
    return mdir


def csv_list(s):
    return [v.strip() for v in s.split(",") if v.strip()]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("outdir")
    p.add_argument("--models", type=csv_list, default=MODELS,
                   help="comma-separated, default: " + ",".join(MODELS))
    p.add_argument("--opsets", type=csv_list, default=["13", "17"], help="comma-separated, default 13,17")
    p.add_argument("--preserve-bn", action="store_true",
                   help="keep BatchNormalization nodes (TrainingMode.PRESERVE, no constant folding)")
    a = p.parse_args(argv)
    unknown = [m for m in a.models if m not in MODELS]
    if unknown:
        p.error(f"unknown model(s) {','.join(unknown)}; known: {','.join(MODELS)}")
    try:
        opsets = [int(o) for o in a.opsets]
    except ValueError:
        p.error("--opsets takes integers")
    torch.set_grad_enabled(False)
    t0 = time.time()
    for name in a.models:
        ctor = getattr(torchvision.models, name)
        for opset in opsets:
            export_model(lambda: ctor(weights=None), name, a.outdir, opset, a.preserve_bn, [1, 3, 224, 224])
    print(f"done: {len(a.models) * len(opsets)} model(s) in {time.time() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
