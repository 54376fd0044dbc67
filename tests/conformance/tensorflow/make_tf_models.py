#!/usr/bin/python3
"""Frozen TF GraphDefs with random weights for the TensorFlow parser's conformance test.

Writes OUTDIR/<model>/model.pb, reference outputs in the ONNX backend-test
layout (OUTDIR/<model>/data_<oracle>/test_data_set_0/{input,output}_K.pb),
OUTDIR/models.txt ("name pb onnx nnport-options" per line, for
run_tensorflow.sh) and OUTDIR/manifest.json for tests/peers/ort_run.js.
Graphs are built (tf_graph.py) with Python classes protoc generates from
nnport's own parsers/tensorflow/tf_graph_subset.proto (--proto-py DIR);
TensorFlow is not needed. Oracles: "numpy" (tf_reference.py, every model)
and "opencv" (cv2.dnn.readNetFromTensorflow, for the models it reads and
agrees on).
With --resnet50 OUTDIR, writes only a ResNet-50-sized graph (~100 MB).
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import tf_reference as ref  # noqa: E402
from conformance_io import write_data_set, write_manifest  # noqa: E402
from tf_graph import DT_INT32, Builder, Graph, use_proto  # noqa: E402


# ------------------------------------------------------------------ models

def m_conv(b):
    y = b.act(b.conv("input", 5, k=3, s=2), "Relu")           # SAME, odd sizes: asymmetric pads
    y = b.act(b.conv(y, 6, k=2, s=1, padding="VALID", d=2), "Elu")
    y = b.act(b.conv(y, 6, k=3, s=1, groups=2), "Tanh")        # grouped Conv2D
    return [y]


def m_depthwise(b):
    y = b.act(b.dw("input", m=2, k=3, s=2), "Relu6")
    y = b.act(b.dw(y, m=1, k=5, s=1, padding="VALID"), "Sigmoid")
    return [y]


def m_pools(b):
    a = b.pool("input", "MaxPool", 3, 2)
    c = b.pool("input", "AvgPool", 3, 2)
    d = b.pool("input", "AvgPool", 2, 2, "VALID")
    e = b.pool("input", "MaxPool", 2, 3)
    return [a, c, d, e]


def m_conv_transpose(b):
    x = "input"
    outs = []
    for s, out_hw, padding in ((2, (9, 10), "SAME"), (2, (11, 11), "VALID"), (1, (5, 5), "SAME")):
        w = b.w((3, 3, 4, 3))  # [kh, kw, C_out, C_dy]
        size = [1, out_hw[0], out_hw[1], 4]
        y = ref.conv2d_backprop_input(size, w.astype(np.float64), b.vals[x], (s, s), padding)
        outs.append(b.op("Conv2DBackpropInput", [b.const(np.array(size, np.int32)), b.const(w), x], y,
                         strides=[1, s, s, 1], padding=padding))
    return outs


def m_batchnorm(b):
    y = b.act(b.bn("input", "FusedBatchNorm"), "LeakyRelu", alpha=0.1)
    y = b.act(b.bn(y, "FusedBatchNormV2"), "Sigmoid")
    return [b.bn(y)]


def m_binary(b):
    x = "input"
    c = b.const(b.w((4,), 1.0))
    y = b.binary("AddV2", x, c)
    y = b.binary("Sub", y, b.const(b.w((1, 1, 1, 4), 1.0)))
    y = b.binary("Mul", y, b.const(np.full((4,), 1.5, np.float32), typed=True))
    y = b.binary("RealDiv", y, b.const(np.abs(b.w((5, 4), 1.0)) + 1))
    y = b.binary("Maximum", y, b.const(np.float32(-0.5)))
    y = b.binary("Minimum", y, x)
    y = b.binary("Add", y, y)
    return [y]


def m_shapes(b):
    x = "input"  # [1, 4, 6, 3]
    v = b.vals[x]
    t = b.op("Transpose", [x, b.const(np.array([0, 3, 1, 2], np.int32))], v.transpose(0, 3, 1, 2))
    r = b.op("Reshape", [t, b.const(np.array([1, 3, -1], np.int32))], v.transpose(0, 3, 1, 2).reshape(1, 3, -1))
    e = b.op("ExpandDims", [r, b.const(np.array(-1, np.int32))], b.vals[r][..., None])
    s = b.op("Squeeze", [e], b.vals[r], squeeze_dims=[3])
    p = b.op("Pack", [s, s], np.stack([b.vals[s]] * 2, axis=1), axis=1, N=2)
    c = b.op("ConcatV2", [x, b.act(x, "Relu"), b.const(np.array(3, np.int32))],
             np.concatenate([v, np.maximum(v, 0)], axis=3), N=2)
    pads = np.array([[0, 0], [1, 2], [0, 1], [0, 0]], np.int32)
    pd = b.op("Pad", [c, b.const(pads)], np.pad(b.vals[c], pads))
    pd2 = b.op("PadV2", [x, b.const(pads), b.const(np.float32(0.75))],
               np.pad(v, pads, constant_values=0.75))
    return [p, pd, pd2]


def m_slices(b):
    x = "input"  # [2, 5, 6, 4]
    v = b.vals[x]
    specs = [  # begin, end, strides, masks, numpy index
        ([0, 1, 0, 0], [0, -1, 0, 0], [1, 2, 1, 1], dict(begin_mask=0b1101, end_mask=0b1101),
         np.s_[:, 1:-1:2, :, :]),
        ([0, 0, 2], [0, 0, 3], [1, 1, 1], dict(begin_mask=0b011, end_mask=0b011, shrink_axis_mask=0b100),
         np.s_[:, :, 2]),
        ([0, 0, 0], [0, 0, 0], [1, 1, -1], dict(ellipsis_mask=0b001, begin_mask=0b110, end_mask=0b110,
                                                new_axis_mask=0b010), np.s_[..., None, ::-1]),
        ([-1, 4, 1], [0, 0, 5], [1, -2, 2], dict(shrink_axis_mask=0b001, end_mask=0b010),
         np.s_[-1, 4::-2, 1:5:2]),
    ]
    outs = []
    for beg, end, st, masks, idx in specs:
        outs.append(b.op("StridedSlice", [x, b.const(np.array(beg, np.int32)), b.const(np.array(end, np.int32)),
                                          b.const(np.array(st, np.int32))], v[idx], Index=("type", DT_INT32),
                         **masks))
    return outs


def m_resize(b):
    x = "input"
    outs = []
    for op, f in (("ResizeBilinear", ref.resize_bilinear), ("ResizeNearestNeighbor", ref.resize_nearest)):
        for size, align, half in (((10, 9), False, False), ((10, 9), True, False), ((7, 13), False, True)):
            outs.append(b.op(op, [x, b.const(np.array(size, np.int32))], f(b.vals[x], size, align, half),
                             align_corners=align, half_pixel_centers=half))
    return outs


def m_dynamic_reshape(b):
    x = b.act("input", "Relu")
    v = b.vals[x]
    shp = b.op("Shape", [x], np.array(v.shape), out_type=("type", DT_INT32))
    n = b.op("StridedSlice", [shp, b.const(np.array([0], np.int32)), b.const(np.array([1], np.int32)),
                              b.const(np.array([1], np.int32))], np.array(v.shape[0]), shrink_axis_mask=1)
    pk = b.op("Pack", [n, b.const(np.array(-1, np.int32))], np.array([v.shape[0], -1]), axis=0, N=2)
    r = b.op("Reshape", [x, pk], v.reshape(v.shape[0], -1))
    ident = b.op("Identity", [r], b.vals[r])
    b.G.node("noop", "NoOp", [])
    b.G.g.node[-2].input.append("^noop")  # a control edge on the Identity
    return [b.act(ident, "Softmax")]


def m_mobilenet(b):
    y = b.act(b.bn(b.conv("input", 8, k=3, s=2, bias=False)), "Relu6")
    for co, s in ((16, 1), (24, 2), (24, 1), (32, 2)):
        y = b.act(b.bn(b.dw(y, 1, 3, s)), "Relu6")
        y = b.act(b.bn(b.conv(y, co, k=1, bias=False)), "Relu6")
    y = b.mean(y, [1, 2], False)
    logits = b.op("BiasAdd", [b.matmul(y, 10), b.const(b.w((10,), 0.5))], None)
    b.vals[logits] = b.vals[b.G.g.node[-3].name] + b.vals[b.G.g.node[-2].name]
    return [b.act(logits, "Softmax")]


def bottleneck(b, x, mid, out, s):
    y = b.act(b.bn(b.conv(x, mid, k=1, bias=False)), "Relu")
    y = b.act(b.bn(b.conv(y, mid, k=3, s=s, bias=False)), "Relu")
    y = b.bn(b.conv(y, out, k=1, bias=False))
    short = x if s == 1 and b.vals[x].shape[3] == out else b.bn(b.conv(x, out, k=1, s=s, bias=False))
    return b.act(b.binary("AddV2", y, short), "Relu")


def m_resnet(b):
    y = b.act(b.bn(b.conv("input", 8, k=7, s=2, bias=False)), "Relu")
    y = b.pool(y, "MaxPool", 3, 2)
    y = bottleneck(b, y, 4, 16, 1)
    y = bottleneck(b, y, 8, 32, 2)
    y = b.mean(y, [1, 2], True)
    return [y]


MODELS = [("conv", m_conv, (1, 9, 11, 3)),
          ("depthwise", m_depthwise, (1, 12, 13, 4)),
          ("pools", m_pools, (1, 8, 7, 3)),
          ("conv_transpose", m_conv_transpose, (1, 5, 5, 3)),
          ("batchnorm", m_batchnorm, (1, 5, 6, 4)),
          ("binary", m_binary, (1, 3, 5, 4)),
          ("shapes", m_shapes, (1, 4, 6, 3)),
          ("slices", m_slices, (2, 5, 6, 4)),
          ("resize", m_resize, (1, 5, 6, 3)),
          ("dynamic_reshape", m_dynamic_reshape, (1, 3, 4, 2)),
          ("mobilenet_like", m_mobilenet, (1, 33, 33, 3)),
          ("resnet_like", m_resnet, (1, 29, 27, 3))]


def write_data(d, x, ys, names):
    write_data_set(d, [("input", x)], list(zip(names, ys)))


def opencv_outputs(path, x, names):
    import cv2
    net = cv2.dnn.readNetFromTensorflow(path)
    net.setInput(x.transpose(0, 3, 1, 2).copy() if x.ndim == 4 else x)
    ys = net.forward(names)
    return [y.transpose(0, 2, 3, 1) if y.ndim == 4 else y for y in ys]


def make_model(name, fn, x_shape, seed, out, entries, conversions):
    b = Builder(np.random.default_rng(seed), x_shape)
    outs = fn(b)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "model.pb")
    b.G.save(path)
    ys = [b.vals[o] for o in outs]
    onnx_path = os.path.join(d, "model.onnx")
    write_data(os.path.join(d, "data_numpy"), b.x, ys, outs)
    entries.append({"name": f"{name}/numpy", "model": onnx_path, "data": os.path.join(d, "data_numpy")})
    oracles = ["numpy"]
    try:
        cv = opencv_outputs(path, b.x, outs)
        worst = max(float(np.max(np.abs(c - y)) / (1e-6 + np.max(np.abs(y)))) for c, y in zip(cv, ys))
        if worst > 1e-4:
            print(f"{name}: OpenCV disagrees with the NumPy reference (relative {worst:.2e}); not used")
        else:
            write_data(os.path.join(d, "data_opencv"), b.x, cv, outs)
            entries.append({"name": f"{name}/opencv", "model": onnx_path, "data": os.path.join(d, "data_opencv")})
            oracles.append("opencv")
    except Exception as e:  # noqa: BLE001 - report and go on with the NumPy oracle
        print(f"{name}: OpenCV cannot run it: {str(e).splitlines()[-1][:160]}")
    conversions.append((name, path, onnx_path, "--dstNodeName " + ",".join(outs)))
    print(f"{name}: oracles {', '.join(oracles)}")


def resnet50(out):
    """ResNet-50 v1 (NHWC, FusedBatchNorm, SAME convs), random weights, no reference outputs."""
    G = Graph()
    rng = np.random.default_rng(50)
    k = [0]

    def nm(base):
        k[0] += 1
        return f"{base}_{k[0]}"

    def conv_bn(x, ci, co, ks, s, relu=True):
        w = (rng.standard_normal((ks, ks, ci, co), dtype=np.float32) * np.float32(np.sqrt(2 / (ks * ks * ci))))
        y = G.node(nm("conv"), "Conv2D", [x, G.const(nm("w"), w)], strides=[1, s, s, 1], padding="SAME")
        p = [np.ones(co, np.float32), np.zeros(co, np.float32), np.zeros(co, np.float32), np.ones(co, np.float32)]
        y = G.node(nm("bn"), "FusedBatchNormV3", [y] + [G.const(nm("bnp"), v) for v in p],
                   epsilon=1e-5, is_training=False)
        return G.node(nm("relu"), "Relu", [y]) if relu else y

    x = G.placeholder("input", [-1, 224, 224, 3])
    y = conv_bn(x, 3, 64, 7, 2)
    y = G.node("pool1", "MaxPool", [y], ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME")
    ci = 64
    for stage, (mid, blocks) in enumerate(((64, 3), (128, 4), (256, 6), (512, 3))):
        for i in range(blocks):
            s = 2 if i == 0 and stage > 0 else 1
            short = y if i > 0 else conv_bn(y, ci, mid * 4, 1, s, relu=False)
            z = conv_bn(y, ci, mid, 1, s)
            z = conv_bn(z, mid, mid, 3, 1)
            z = conv_bn(z, mid, mid * 4, 1, 1, relu=False)
            y = G.node(nm("relu"), "Relu", [G.node(nm("add"), "AddV2", [z, short])])
            ci = mid * 4
    y = G.node("avgpool", "Mean", [y, G.const("axes", np.array([1, 2], np.int32))], keep_dims=False)
    w = rng.standard_normal((2048, 1000), dtype=np.float32) * np.float32(0.02)
    y = G.node("logits", "BiasAdd", [G.node("fc", "MatMul", [y, G.const("fc_w", w)]),
                                     G.const("fc_b", np.zeros(1000, np.float32))])
    G.node("prob", "Softmax", [y])
    os.makedirs(out, exist_ok=True)
    G.save(os.path.join(out, "resnet50.pb"))
    print(os.path.join(out, "resnet50.pb"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--proto-py", required=True, help="directory with tf_graph_subset_pb2.py")
    ap.add_argument("--resnet50", action="store_true", help="write only OUT/resnet50.pb")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    sys.path.insert(0, a.proto_py)
    import tf_graph_subset_pb2
    use_proto(tf_graph_subset_pb2)
    if a.resnet50:
        resnet50(a.out)
        return
    only = set(filter(None, a.only.split(",")))
    entries, conversions = [], []
    for seed, (name, fn, x_shape) in enumerate(MODELS, start=1):
        if not only or name in only:
            make_model(name, fn, x_shape, seed, a.out, entries, conversions)
    write_manifest(a.out, entries, conversions)


if __name__ == "__main__":
    main()
