"""Small valid ONNX models, the seeds the hostile corpus mutates.

Between them they use most ops nnport's interpreter runs, with static
shapes (so the op records' checks see ranks) and the integer operands
(shapes, axes, indices, pads, repeats) that hostile values target. One seed
has symbolic dims and a Shape -> Gather -> Concat -> Reshape chain, as
exporters write them.
"""
import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper, shape_inference

F = T.FLOAT


def vi(name, dims, elem=F):
    return h.make_tensor_value_info(name, elem, dims)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(name, nodes, inputs, outputs, inits, opset=13):
    """Outputs given without dims get the ones ONNX's inference finds (its
    checker wants a shape on every graph output)."""
    g = h.make_graph(nodes, name, inputs, outputs, inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)], producer_name="hostile-seed")
    m.ir_version = 8
    for out in m.graph.output:
        if not out.type.tensor_type.HasField("shape"):
            out.ClearField("type")
    inferred = shape_inference.infer_shapes(m)
    return inferred if all(o.type.tensor_type.HasField("shape") for o in inferred.graph.output) else m


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


def cnn():
    n = h.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", strides=[1, 1], pads=[1, 1, 1, 1]),
        n("BatchNormalization", ["c1", "g", "be", "mu", "var"], ["bn"], name="bn", epsilon=1e-5),
        n("Relu", ["bn"], ["r1"], name="relu"),
        n("MaxPool", ["r1"], ["p1"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        n("Conv", ["p1", "w2"], ["c2"], name="conv2", group=2, dilations=[2, 2], pads=[2, 2, 2, 2]),
        n("AveragePool", ["c2"], ["p2"], name="avg", kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1),
        n("GlobalAveragePool", ["p2"], ["gp"], name="gap"),
        n("Flatten", ["gp"], ["fl"], name="flatten", axis=1),
        n("Gemm", ["fl", "wf", "bf"], ["fc"], name="fc", transB=1),
        n("Softmax", ["fc"], ["y"], name="softmax", axis=1),
    ]
    inits = [init("w1", rand(4, 3, 3, 3)), init("b1", rand(4)), init("g", np.ones(4, np.float32)),
             init("be", np.zeros(4, np.float32)), init("mu", np.zeros(4, np.float32)),
             init("var", np.ones(4, np.float32)), init("w2", rand(4, 2, 3, 3, seed=1)),
             init("wf", rand(5, 4, seed=2)), init("bf", rand(5, seed=3))]
    return model("cnn", nodes, [vi("x", [1, 3, 8, 8])], [vi("y", [1, 5])], inits)


def shapes():
    n, i64 = h.make_node, np.int64
    nodes = [
        n("Reshape", ["x", "shape"], ["rs"], name="reshape"),
        n("Transpose", ["rs"], ["tr"], name="transpose", perm=[0, 2, 1]),
        n("Concat", ["tr", "tr"], ["cat"], name="concat", axis=1),
        n("Split", ["cat", "split"], ["s0", "s1"], name="split", axis=1),
        n("Unsqueeze", ["s0", "uaxes"], ["us"], name="unsqueeze"),
        n("Squeeze", ["us", "saxes"], ["sq"], name="squeeze"),
        n("Slice", ["sq", "starts", "ends", "axes", "steps"], ["sl"], name="slice"),
        n("Gather", ["sl", "idx"], ["ga"], name="gather", axis=1),
        n("Expand", ["ga", "eshape"], ["ex"], name="expand"),
        n("Tile", ["ex", "reps"], ["ti"], name="tile"),
        n("Pad", ["ti", "pads"], ["pd"], name="pad", mode="constant"),
        n("Flatten", ["pd"], ["y"], name="flatten", axis=2),
    ]
    inits = [init("shape", np.array([1, 4, 6], i64)), init("split", np.array([6, 6], i64)),
             init("uaxes", np.array([0], i64)), init("saxes", np.array([0], i64)),
             init("starts", np.array([0], i64)), init("ends", np.array([4], i64)),
             init("axes", np.array([2], i64)), init("steps", np.array([2], i64)),
             init("idx", np.array([0, 2], i64)), init("eshape", np.array([2, 2, 2], i64)),
             init("reps", np.array([1, 2, 1], i64)), init("pads", np.array([0, 1, 0, 0, 1, 0], i64))]
    return model("shapes", nodes, [vi("x", [1, 2, 12])], [vi("y", None)], inits)


def reductions():
    n, i64 = h.make_node, np.int64
    nodes = [
        n("ReduceMean", ["x"], ["rm"], name="mean", axes=[1], keepdims=1),
        n("ArgMax", ["x"], ["am"], name="argmax", axis=2, keepdims=0),
        n("TopK", ["x", "k"], ["tv", "ti"], name="topk", axis=-1),
        n("CumSum", ["x", "cax"], ["cs"], name="cumsum"),
        n("Cast", ["am"], ["amf"], name="cast", to=T.FLOAT),
        n("ConstantOfShape", ["cshape"], ["cos"], name="cos", value=h.make_tensor("v", F, [1], [2.0])),
        n("Range", ["r0", "r1", "r2"], ["rg"], name="range"),
        n("Greater", ["x", "rm"], ["gt"], name="greater"),
        n("Where", ["gt", "x", "cs"], ["wh"], name="where"),
        n("GatherElements", ["wh", "gidx"], ["ge"], name="gather_elements", axis=2),
        n("ScatterElements", ["wh", "gidx", "ge"], ["se"], name="scatter", axis=2),
        n("Trilu", ["se", "tk"], ["y"], name="trilu", upper=1),
    ]
    inits = [init("k", np.array([2], i64)), init("cax", np.array(1, i64)),
             init("cshape", np.array([2, 3], i64)), init("r0", np.array(0, i64)),
             init("r1", np.array(5, i64)), init("r2", np.array(1, i64)),
             init("gidx", np.zeros((1, 3, 2), i64)), init("tk", np.array(0, i64))]
    outs = [vi("y", [1, 3, 4]), vi("tv", [1, 3, 2]), vi("ti", [1, 3, 2], T.INT64), vi("amf", [1, 3]),
            vi("cos", [2, 3]), vi("rg", [5], T.INT64)]
    return model("reductions", nodes, [vi("x", [1, 3, 4])], outs, inits, opset=14)


def imaging():
    n = h.make_node
    nodes = [
        n("Resize", ["x", "", "scales"], ["rz"], name="resize", mode="linear"),
        n("SpaceToDepth", ["rz"], ["sd"], name="s2d", blocksize=2),
        n("DepthToSpace", ["sd"], ["ds"], name="d2s", blocksize=2, mode="CRD"),
        n("ConvTranspose", ["ds", "wt"], ["ct"], name="deconv", strides=[2, 2], output_padding=[1, 1]),
        n("LRN", ["ct"], ["lrn"], name="lrn", size=3),
        n("InstanceNormalization", ["lrn", "isc", "ib"], ["inorm"], name="inorm"),
        n("LpNormalization", ["inorm"], ["lp"], name="lpnorm", axis=1, p=2),
        n("Clip", ["lp", "lo", "hi"], ["cl"], name="clip"),
        n("LeakyRelu", ["cl"], ["lr"], name="leaky", alpha=0.1),
        n("HardSigmoid", ["lr"], ["y"], name="hsig"),
    ]
    inits = [init("scales", np.array([1, 1, 2, 2], np.float32)), init("wt", rand(2, 3, 3, 3)),
             init("isc", np.ones(3, np.float32)), init("ib", np.zeros(3, np.float32)),
             init("lo", np.array(-0.5, np.float32)), init("hi", np.array(0.5, np.float32))]
    return model("imaging", nodes, [vi("x", [1, 2, 4, 4])], [vi("y", None)], inits)


def linear():
    n = h.make_node
    nodes = [
        n("MatMul", ["x", "w"], ["mm"], name="matmul"),
        n("Einsum", ["mm", "w2"], ["es"], name="einsum", equation="bij,jk->bik"),
        n("LayerNormalization", ["es", "lg", "lb"], ["ln"], name="layernorm", axis=-1),
        n("Softmax", ["ln"], ["sm"], name="softmax", axis=-1),
        n("Hardmax", ["sm"], ["hm"], name="hardmax", axis=1),
        n("QuantizeLinear", ["sm", "qs", "qz"], ["q"], name="quant"),
        n("DequantizeLinear", ["q", "qs", "qz"], ["y"], name="dequant"),
    ]
    inits = [init("w", rand(4, 6)), init("w2", rand(6, 3, seed=4)), init("lg", np.ones(3, np.float32)),
             init("lb", np.zeros(3, np.float32)), init("qs", np.array(0.02, np.float32)),
             init("qz", np.array(0, np.uint8))]
    return model("linear", nodes, [vi("x", [2, 5, 4])], [vi("y", None), vi("hm", None)], inits, opset=17)


def dynamic():
    """Symbolic batch and spatial dims, reshaped by a shape subgraph."""
    n, i64 = h.make_node, np.int64
    nodes = [
        n("Shape", ["x"], ["shp"], name="shape"),
        n("Gather", ["shp", "i0"], ["batch"], name="gather_batch", axis=0),
        n("Unsqueeze", ["batch", "ax0"], ["b1"], name="unsq"),
        n("Concat", ["b1", "minus1"], ["tshape"], name="concat_shape", axis=0),
        n("Reshape", ["x", "tshape"], ["flat"], name="reshape"),
        n("ReduceSum", ["flat", "ax1"], ["y"], name="sum", keepdims=1),
    ]
    inits = [init("i0", np.array(0, i64)), init("ax0", np.array([0], i64)),
             init("minus1", np.array([-1], i64)), init("ax1", np.array([1], i64))]
    return model("dynamic", nodes, [vi("x", ["N", 3, "H", "W"])], [vi("y", ["N", 1])], inits)


SEEDS = [cnn, shapes, reductions, imaging, linear, dynamic]


if __name__ == "__main__":  # writes the seeds: onnx_seeds.py OUTDIR
    import os
    import sys
    for f in SEEDS:
        with open(os.path.join(sys.argv[1], f"seed_{f.__name__}.onnx"), "wb") as out:
            out.write(f().SerializeToString())
