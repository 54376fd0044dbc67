#!/usr/bin/python3
"""Quantization of real architectures: torchvision exports (random weights).

    quantize_torchvision.py NNPORT MODELS_DIR WORK_DIR [--models resnet18_op13,...]

For each model and each deployment preset (--target tensorrt, ort-cpu,
k210, vip), `nnport quantize` on 8 random calibration inputs writes a QDQ
model and its report; the table gives the output's SQNR and cosine
similarity against the float model (the report's graph-output row, over
2 samples). Then the worst quantized layer of the ort-cpu run is excluded
by name (`--exclude NODE`) and the output SQNR must rise: the report's
hint is actionable. Exit 1 when a quantization fails or excluding the
worst layer does not raise the SQNR.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

TARGETS = ["tensorrt", "ort-cpu", "k210", "vip"]


def calib_dir(work, n=8):
    d = os.path.join(work, "calib")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        np.save(os.path.join(d, f"{i:03d}.npy"), rng.standard_normal((1, 3, 224, 224), dtype=np.float32))
    return d


def quantize(nnport, model, calib, out, extra):
    report = out + ".json"
    cmd = [nnport, "quantize", model, "-o", out, "--calib", calib, "--compare-samples", "2",
           "--report", report, "--quiet"] + extra
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()}")
    with open(report) as f:
        return json.load(f)


def output_score(report):
    outs = [l for l in report["layers"] if l["graph_output"]]
    return outs[0]["sqnr_db"], outs[0]["cosine"]


def worst_layer(report):
    return next(l for l in report["layers"] if not l["graph_output"] and l["node"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nnport")
    ap.add_argument("models")
    ap.add_argument("work")
    ap.add_argument("--models", dest="names", default="resnet18_op13,mobilenet_v2_op13")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    calib = calib_dir(a.work)
    failed = 0
    print("| model | target | output SQNR dB | cosine | quantized nodes | kept float |")
    print("|---|---|---|---|---|---|")
    for name in a.names.split(","):
        model = os.path.join(a.models, name, "model.onnx")
        reports = {}
        for target in TARGETS:
            out = os.path.join(a.work, f"{name}_{target}.onnx")
            try:
                rep = quantize(a.nnport, model, calib, out, ["--target", target])
            except RuntimeError as e:
                print(f"FAIL {name} {target}: {e}")
                failed += 1
                continue
            reports[target] = rep
            sqnr, cos = output_score(rep)
            print(f"| {name} | {target} | {sqnr:.1f} | {cos:.5f} | {len(rep['quantized_nodes'])} "
                  f"| {len(rep['float_nodes'])} |")
        if "ort-cpu" not in reports:
            continue
        worst = worst_layer(reports["ort-cpu"])
        before = output_score(reports["ort-cpu"])[0]
        out = os.path.join(a.work, f"{name}_ort-cpu_exclude.onnx")
        try:
            after = output_score(quantize(a.nnport, model, calib, out,
                                          ["--target", "ort-cpu", "--exclude", worst["node"]]))[0]
        except RuntimeError as e:
            print(f"FAIL {name} --exclude: {e}")
            failed += 1
            continue
        ok = after > before
        print(f"{'PASS' if ok else 'FAIL'} {name}: excluding the worst layer {worst['node']} "
              f"({worst['op']}, {worst['sqnr_db']:.1f} dB) takes the output SQNR from "
              f"{before:.2f} to {after:.2f} dB")
        failed += 0 if ok else 1
    print(f"quantize torchvision: {'0 failed' if failed == 0 else f'{failed} failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
