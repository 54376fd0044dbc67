"""Frozen TF GraphDefs built in Python for make_tf_models.py.

Graph writes GraphDef nodes (attributes, Const tensors, Placeholders) with
the Python classes protoc generates from nnport's own
parsers/tensorflow/tf_graph_subset.proto, which use_proto() supplies.
Builder adds layers to a Graph while evaluating each with the NumPy
reference (tf_reference.py) on a random input, so every node's expected
value is known.
"""
import numpy as np

import tf_reference as ref

pb = None  # tf_graph_subset_pb2, set by use_proto()
DT_FLOAT, DT_INT32 = 1, 3


def use_proto(module):
    """Sets the tf_graph_subset_pb2 module the graphs are built with."""
    global pb
    pb = module


class Graph:
    def __init__(self):
        self.g = pb.GraphDef()

    def node(self, name, op, inputs=(), **attrs):
        n = self.g.node.add(name=name, op=op)
        n.input.extend(inputs)
        for k, v in attrs.items():
            a = n.attr[k]
            if isinstance(v, bool):
                a.b = v
            elif isinstance(v, int):
                a.i = v
            elif isinstance(v, float):
                a.f = v
            elif isinstance(v, str):
                a.s = v.encode()
            elif isinstance(v, list):
                a.list.i.extend(v)
            elif isinstance(v, tuple) and v[0] == "type":
                a.type = v[1]
            else:
                raise TypeError(k)
        return name

    def const(self, name, arr, typed=False):
        arr = np.asarray(arr)
        dt = DT_INT32 if arr.dtype.kind in "iu" else DT_FLOAT
        arr = arr.astype(np.int32 if dt == DT_INT32 else np.float32)
        n = self.node(name, "Const", dtype=("type", dt))
        t = self.g.node[-1].attr["value"].tensor
        t.dtype = dt
        for d in arr.shape:
            t.tensor_shape.dim.add(size=d)
        if typed or dt == DT_INT32:
            vals = arr.ravel().tolist()
            if typed and len(set(vals)) == 1 and len(vals) > 1:
                vals = vals[:1]  # TF's "one value fills the shape"
            (t.int_val if dt == DT_INT32 else t.float_val).extend(vals)
        else:
            t.tensor_content = arr.tobytes()
        return n

    def placeholder(self, name, shape):
        self.node(name, "Placeholder", dtype=("type", DT_FLOAT))
        s = self.g.node[-1].attr["shape"].shape
        for d in shape:
            s.dim.add(size=d)
        return name

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.g.SerializeToString())


class Builder:
    """A graph plus its NumPy evaluation, built side by side."""

    def __init__(self, rng, x_shape):
        self.G = Graph()
        self.rng = rng
        self.vals = {}
        self.x = rng.standard_normal(x_shape).astype(np.float32)
        self.vals[self.G.placeholder("input", [-1] + list(x_shape[1:]))] = self.x.astype(np.float64)
        self.k = 0

    def name(self, base):
        self.k += 1
        return f"{base}_{self.k}"

    def w(self, shape, scale=None):
        scale = scale or 1.0 / np.sqrt(np.prod(shape[:-1]))
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def const(self, arr, typed=False):
        n = self.G.const(self.name("const"), arr, typed)
        self.vals[n] = np.asarray(arr, np.float64) if np.asarray(arr).dtype.kind == "f" else np.asarray(arr)
        return n

    def op(self, op, inputs, value, **attrs):
        n = self.G.node(self.name(op.lower()), op, inputs, **attrs)
        self.vals[n] = value
        return n

    # ---- layers
    def conv(self, x, co, k=3, s=1, padding="SAME", d=1, groups=1, bias=True):
        ci = self.vals[x].shape[3] // groups
        w = self.w((k, k, ci, co))
        y = ref.conv2d(self.vals[x], w.astype(np.float64), (s, s), padding, (d, d))
        n = self.op("Conv2D", [x, self.const(w)], y, strides=[1, s, s, 1], padding=padding,
                    dilations=[1, d, d, 1], data_format="NHWC", T=("type", DT_FLOAT))
        if bias:
            b = self.w((co,), 0.5)
            n = self.op("BiasAdd", [n, self.const(b)], y + b, data_format="NHWC")
        return n

    def dw(self, x, m=1, k=3, s=1, padding="SAME"):
        w = self.w((k, k, self.vals[x].shape[3], m), 0.3)
        return self.op("DepthwiseConv2dNative", [x, self.const(w)],
                       ref.depthwise(self.vals[x], w.astype(np.float64), (s, s), padding),
                       strides=[1, s, s, 1], padding=padding)

    def bn(self, x, version="FusedBatchNormV3"):
        c = self.vals[x].shape[3]
        p = [self.w((c,), 0.5) + 1, self.w((c,), 0.5), self.w((c,), 0.5), np.abs(self.w((c,), 1.0)) + 0.5]
        y = ref.batch_norm(self.vals[x], *[v.astype(np.float64) for v in p], 1e-3)
        return self.op(version, [x] + [self.const(v) for v in p], y, epsilon=1e-3,
                       is_training=False, data_format="NHWC")

    def act(self, x, op, **attrs):
        v = self.vals[x]
        f = {"Relu": lambda: np.maximum(v, 0), "Relu6": lambda: ref.relu6(v),
             "Elu": lambda: ref.elu(v), "Sigmoid": lambda: ref.sigmoid(v), "Tanh": lambda: np.tanh(v),
             "LeakyRelu": lambda: ref.leaky_relu(v, attrs.get("alpha", 0.2)),
             "Softmax": lambda: ref.softmax(v)}[op]
        return self.op(op, [x], f(), **attrs)

    def pool(self, x, op, k=3, s=2, padding="SAME"):
        kind = "max" if op == "MaxPool" else "avg"
        return self.op(op, [x], ref.pool(self.vals[x], (k, k), (s, s), padding, kind),
                       ksize=[1, k, k, 1], strides=[1, s, s, 1], padding=padding)

    def binary(self, op, a, b):
        f = {"Add": np.add, "AddV2": np.add, "Sub": np.subtract, "Mul": np.multiply,
             "RealDiv": np.divide, "Maximum": np.maximum, "Minimum": np.minimum}[op]
        return self.op(op, [a, b], f(self.vals[a], self.vals[b]))

    def mean(self, x, axes, keep):
        return self.op("Mean", [x, self.const(np.array(axes, np.int32))],
                       self.vals[x].mean(axis=tuple(axes), keepdims=keep), keep_dims=keep)

    def matmul(self, x, co, transpose_b=False):
        w = self.w((self.vals[x].shape[1], co))
        wt = w.T.copy() if transpose_b else w
        return self.op("MatMul", [x, self.const(wt)], self.vals[x] @ w, transpose_b=transpose_b)
