#!/usr/bin/python3
"""Darknet models with random weights and reference outputs for run_darknet.sh.

    make_darknet_models.py OUTDIR --oracle DARKNET_ORACLE_BINARY

For every model below: OUTDIR/<name>/net.cfg (the cfg with batch=1 and the
input size set), net.weights, and the ONNX backend-test layout of one fixed
random input with the reference outputs of each oracle that can run it:
data_darknet/ from Debian's libdarknet (darknet_oracle.c, which also writes
the weights) and data_opencv/ from OpenCV's Darknet importer. Models that
only OpenCV knows (mish, swish, route groups) get weights written here.

The expected outputs are what nnport's graph returns: the input of every
detection head ([yolo], [region], [detection]) in layer order, then the last
layer before any [cost] unless that is a head. A final softmax flattens
differences in what feeds it, so such nets are also converted cut at the
layer before it (--dstNodeName) and compared there. Also writes
OUTDIR/models.txt ("name cfg weights onnx [nnport options]" per conversion)
and OUTDIR/manifest.json for tests/peers/ort_run.js.
"""
import argparse
import os
import re
import struct
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from conformance_io import write_data_set, write_manifest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_CFG = "/usr/share/darknet/cfg"
HEADS = ("yolo", "region", "detection")
# nnport's value names ("conv_12") for the layers cut at below.
SHORT_NAMES = {"convolutional": "conv", "avgpool": "avgpool", "connected": "connected", "maxpool": "maxpool"}

# name, cfg, input size (None: as in the cfg), oracles
MODELS = [
    ("conv_pool", "cfg/conv_pool.cfg", None, ("darknet", "opencv")),
    ("classifier", "cfg/classifier.cfg", None, ("darknet", "opencv")),
    ("darknet_only", "cfg/darknet_only.cfg", None, ("darknet",)),
    ("route_reorg", "cfg/route_reorg.cfg", None, ("darknet", "opencv")),
    ("yolo_heads", "cfg/yolo_heads.cfg", None, ("darknet", "opencv")),
    ("region_head", "cfg/region_head.cfg", None, ("darknet", "opencv")),
    ("mish_swish_groups", "cfg/mish_swish_groups.cfg", None, ("opencv",)),
    ("yolov3_tiny", DEBIAN_CFG + "/yolov3-tiny.cfg", 96, ("darknet", "opencv")),
    ("yolov2_tiny", DEBIAN_CFG + "/yolov2-tiny.cfg", 96, ("darknet", "opencv")),
    ("yolov2", DEBIAN_CFG + "/yolov2.cfg", 64, ("darknet", "opencv")),
    ("yolov1_tiny", DEBIAN_CFG + "/yolov1-tiny.cfg", 64, ("darknet",)),
    ("darknet19", DEBIAN_CFG + "/darknet19.cfg", 64, ("darknet", "opencv")),
    ("darknet53", DEBIAN_CFG + "/darknet53.cfg", 64, ("darknet", "opencv")),
    ("resnet18", DEBIAN_CFG + "/resnet18.cfg", 64, ("darknet", "opencv")),
]
# Models whose weights are also written with the old header (minor 1,
# 32-bit "seen"), converted separately and checked against the same outputs.
OLD_HEADER = ("conv_pool", "classifier")


def sections(text):
    """[(type, {key: value})] in order, Darknet's way: blanks dropped, # ; comments."""
    out = []
    for raw in text.splitlines():
        line = re.sub(r"\s", "", raw)
        if not line or line[0] in "#;":
            continue
        if line[0] == "[":
            out.append((line[1:line.index("]")], {}))
        else:
            key, _, value = line.partition("=")
            out[-1][1][key] = value.split("#")[0]
    return out


def with_net_options(text, options):
    """The cfg text with [net]'s options replaced or added."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() in ("[net]", "[network]"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("[")), len(lines))
    body = [l for l in lines[start + 1:end] if l.split("=")[0].strip() not in options]
    added = [f"{k}={v}" for k, v in options.items()]
    return "\n".join(lines[:start + 1] + added + body + lines[end:]) + "\n"


def output_layers(secs):
    """Darknet layer numbers whose outputs nnport's graph returns, in order."""
    layers = secs[1:]
    outs = [i - 1 for i, (t, _) in enumerate(layers) if t in HEADS]
    last = max(i for i, (t, _) in enumerate(layers) if t != "cost")
    if layers[last][0] not in HEADS:
        outs.append(last)
    return outs


def write_data(directory, x, outputs):
    write_data_set(directory, [("input", x)], [(f"darknet_layer_{layer}", y) for layer, y in outputs])


def run_darknet(oracle, cfg, weights, x, dump, seed):
    os.makedirs(dump, exist_ok=True)
    x.tofile(os.path.join(dump, "input.bin"))
    subprocess.run([oracle, cfg, weights, os.path.join(dump, "input.bin"), dump, str(seed)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dims = {}
    with open(os.path.join(dump, "layers.txt")) as f:
        for line in f:
            i, _, c, h, w = map(int, line.split())
            dims[i] = (c, h, w)
    return dims


def darknet_outputs(dump, dims, layers):
    outs = []
    for i in layers:
        y = np.fromfile(os.path.join(dump, f"layer_{i}.bin"), dtype=np.float32)
        j = i  # some layers (softmax) do not set their sizes: take the last layer that did
        while int(np.prod(dims[j])) != y.size:
            j -= 1
        outs.append((i, y.reshape((1,) + dims[j])))
    return outs


def old_header_copy(weights, path):
    """The same parameters behind a version 0.1.0 header with a 32-bit seen."""
    with open(weights, "rb") as f:
        data = f.read()
    major, minor, revision = struct.unpack("<3i", data[:12])
    assert (major, minor) == (0, 2), f"{weights}: libdarknet wrote version {major}.{minor}"
    seen = struct.unpack("<Q", data[12:20])[0]
    with open(path, "wb") as f:
        f.write(struct.pack("<3iI", 0, 1, 0, seen) + data[20:])


def random_weights(secs, path, rng):
    """Weights for the layers the OpenCV-only cfgs use (convolutional, batchnorm, route, maxpool)."""
    chans = []
    c = int(secs[0][1]["channels"])
    params = [np.array([0, 2, 0], "<i4").tobytes() + np.array([0], "<u8").tobytes()]
    for kind, o in secs[1:]:
        if kind == "convolutional":
            n, size, groups = int(o["filters"]), int(o.get("size", 1)), int(o.get("groups", 1))
            parts = [rng.uniform(-0.2, 0.2, n)]
            if int(o.get("batch_normalize", 0)):
                parts += [rng.uniform(0.5, 1.5, n), rng.uniform(-0.3, 0.3, n), rng.uniform(0.5, 2.0, n)]
            a = np.sqrt(3.0 / (c // groups * size * size))
            parts.append(rng.uniform(-a, a, n * (c // groups) * size * size))
            params += [p.astype("<f4").tobytes() for p in parts]
            c = n
        elif kind == "route":
            idx = [int(v) for v in o["layers"].split(",")]
            here = len(chans)
            c = sum(chans[v if v >= 0 else here + v] for v in idx) // int(o.get("groups", 1))
        elif kind == "batchnorm":
            parts = [rng.uniform(0.5, 1.5, c), rng.uniform(-0.3, 0.3, c), rng.uniform(0.5, 2.0, c)]
            params += [p.astype("<f4").tobytes() for p in parts]
        elif kind != "maxpool":
            raise ValueError(f"random_weights: no rule for [{kind}]")
        chans.append(c)
    with open(path, "wb") as f:
        f.write(b"".join(params))


def opencv_outputs(cfg_text, weights, x, layers, work):
    """OpenCV's outputs for `layers`; heads become [dropout] so their inputs come out raw."""
    import cv2
    text = re.sub(r"^\[(%s)\]" % "|".join(HEADS), "[dropout]", cfg_text, flags=re.M)
    cfg = os.path.join(work, "opencv.cfg")
    with open(cfg, "w") as f:
        f.write(text)
    net = cv2.dnn.readNetFromDarknet(cfg, weights)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setInput(x)
    names = list(net.getUnconnectedOutLayersNames())
    ys = net.forward(names)
    if len(ys) != len(layers):
        raise RuntimeError(f"OpenCV returns {len(ys)} outputs, expected {len(layers)}")
    return [(i, y.reshape(y.shape + (1,) * (4 - y.ndim))) for i, y in zip(layers, ys)]


def make_model(name, cfg_src, size, oracles, out, oracle_bin, seed, entries, conversions):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(cfg_src if os.path.isabs(cfg_src) else os.path.join(HERE, cfg_src)) as f:
        text = f.read()
    opts = {"batch": 1, "subdivisions": 1}
    if size:
        opts.update(width=size, height=size)
    text = with_net_options(text, opts)
    cfg, weights = os.path.join(d, "net.cfg"), os.path.join(d, "net.weights")
    with open(cfg, "w") as f:
        f.write(text)
    secs = sections(text)
    net = secs[0][1]
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (1, int(net["channels"]), int(net["height"]), int(net["width"]))).astype(np.float32)
    layers = output_layers(secs)
    onnx_path = os.path.join(d, "model.onnx")
    conversions.append((name, cfg, weights, onnx_path))

    def entry(tag, data, model=onnx_path):
        entries.append({"name": f"{name}/{tag}", "model": model, "data": data})

    if "darknet" in oracles:
        dump = os.path.join(d, "darknet_layers")
        dims = run_darknet(oracle_bin, cfg, weights, x, dump, seed)
        write_data(os.path.join(d, "data_darknet"), x, darknet_outputs(dump, dims, layers))
        entry("darknet", os.path.join(d, "data_darknet"))
        last = layers[-1]
        if secs[last + 1][0] == "softmax" and secs[last][0] in SHORT_NAMES:
            logits = os.path.join(d, "model_logits.onnx")
            conversions.append((name + "_logits", cfg, weights, logits,
                                f"--dstNodeName {SHORT_NAMES[secs[last][0]]}_{last - 1}"))
            write_data(os.path.join(d, "data_darknet_logits"), x, darknet_outputs(dump, dims, [last - 1]))
            entry("darknet-before-softmax", os.path.join(d, "data_darknet_logits"), logits)
        if name in OLD_HEADER:
            old = os.path.join(d, "net_v010.weights")
            old_header_copy(weights, old)
            old_dims = run_darknet(oracle_bin, cfg, old, x, dump + "_v010", "-")
            for (i, a), (_, b) in zip(darknet_outputs(dump, dims, layers),
                                      darknet_outputs(dump + "_v010", old_dims, layers)):
                if not np.array_equal(a, b):
                    raise RuntimeError(f"{name}: libdarknet reads the 0.1.0 header differently")
            old_onnx = os.path.join(d, "model_v010.onnx")
            conversions.append((name + "_v010", cfg, old, old_onnx))
            entry("darknet-header-0.1.0", os.path.join(d, "data_darknet"), old_onnx)
    else:
        random_weights(secs, weights, rng)
    if "opencv" in oracles:
        try:
            ys = opencv_outputs(text, weights, x, layers, d)
        except Exception as e:  # noqa: BLE001 - report and go on without this oracle
            print(f"{name}: OpenCV cannot run it: {str(e).splitlines()[0][:200]}")
        else:
            write_data(os.path.join(d, "data_opencv"), x, ys)
            entry("opencv", os.path.join(d, "data_opencv"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--oracle", required=True, help="darknet_oracle binary")
    ap.add_argument("--only", default="", help="comma-separated model names")
    a = ap.parse_args()
    only = set(filter(None, a.only.split(",")))
    entries, conversions = [], []
    for seed, (name, cfg, size, oracles) in enumerate(MODELS, start=1):
        if only and name not in only:
            continue
        make_model(name, cfg, size, oracles, a.out, a.oracle, seed, entries, conversions)
        print(f"{name}: {', '.join(e['name'].split('/')[1] for e in entries if e['name'].startswith(name + '/'))}")
    write_manifest(a.out, entries, conversions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
