"""Mutations a hostile user (or a fuzzer) applies to model files.

Each function takes the bytes or message of a valid input and a seeded
random.Random and returns a malformed variant. They aim at the classes of
bugs that hurt converters: extreme integers where sizes, axes, strides and
indices live, operands removed or added, types and shapes that disagree
with the data, names with control bytes or invalid UTF-8, and plain byte
corruption.
"""
import json
import re

import numpy as np
from onnx import AttributeProto, ModelProto, TensorProto, numpy_helper

EXTREMES = [0, -1, 2, 3, 65535, 2**31 - 1, 2**31, 2**32 + 1, 2**40, 2**62, -(2**63), 2**63 - 1, -65535]
FLOAT_EXTREMES = [0.0, -1.0, 1e30, -1e30, float("nan"), float("inf"), 1e-30]
OPS = ["Conv", "Concat", "Reshape", "Gather", "Squeeze", "Unsqueeze", "Flatten", "Slice", "Split",
       "Transpose", "MaxPool", "Resize", "Tile", "Expand", "TopK", "Softmax", "MatMul", "Gemm", "Pad",
       "ConstantOfShape", "Range", "DepthToSpace", "Einsum", "ReduceSum", "Cast", "Relu", "Add"]


def byte_noise(data, rng):
    """Flips, overwrites, truncates or duplicates bytes."""
    b = bytearray(data)
    if not b:
        return bytes(b)
    kind = rng.randrange(4)
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif kind == 1:
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.choice([0, 0x7F, 0x80, 0xFF])
    elif kind == 2:
        del b[rng.randrange(len(b)):]
    else:
        at = rng.randrange(len(b))
        b[at:at] = b[at:at + rng.randint(1, 64)]
    return bytes(b)


# ------------------------------------------------------------------- ONNX

def _attr_extreme(m, rng):
    nodes = [n for n in m.graph.node if n.attribute]
    if not nodes:
        return False
    a = rng.choice(rng.choice(nodes).attribute)
    if a.type == AttributeProto.INT:
        a.i = rng.choice(EXTREMES)
    elif a.type == AttributeProto.INTS:
        vals = list(a.ints) or [1]
        if rng.random() < 0.3:
            vals = vals * rng.randint(2, 3) if rng.random() < 0.5 else vals[:-1]
        else:
            vals[rng.randrange(len(vals))] = rng.choice(EXTREMES)
        del a.ints[:]
        a.ints.extend(vals)
    elif a.type == AttributeProto.FLOAT:
        a.f = rng.choice(FLOAT_EXTREMES)
    elif a.type == AttributeProto.STRING:
        a.s = rng.choice([b"", b"\xff\xfe", b"NOT_A_MODE", b"x" * 300])
    else:
        return False
    return True


def _init_extreme(m, rng):
    ints = [t for t in m.graph.initializer if t.data_type in (TensorProto.INT64, TensorProto.INT32)]
    if not ints:
        return False
    t = rng.choice(ints)
    arr = numpy_helper.to_array(t).copy().ravel()
    if arr.size and rng.random() < 0.7:
        info = np.iinfo(arr.dtype)
        arr[rng.randrange(arr.size)] = min(max(rng.choice(EXTREMES), info.min), info.max)
    else:
        arr = np.resize(arr, rng.choice([0, 1, arr.size + 1, 9]))
    new = numpy_helper.from_array(arr.reshape(arr.shape if arr.ndim else ()), t.name)
    if len(t.dims) == 0 and arr.size == 1:
        new = numpy_helper.from_array(arr.reshape(()), t.name)
    t.CopyFrom(new)
    return True


def _float_init_extreme(m, rng):
    """Scales, clip bounds, quantization scales: small float operands."""
    small = [t for t in m.graph.initializer if t.data_type == TensorProto.FLOAT and
             int(np.prod(t.dims or [1])) <= 8]
    if not small:
        return False
    t = rng.choice(small)
    arr = numpy_helper.to_array(t).copy()
    flat = arr.reshape(-1)
    if flat.size:
        flat[rng.randrange(flat.size)] = rng.choice(FLOAT_EXTREMES + [1e-9, 4096.0, -2.0])
    t.CopyFrom(numpy_helper.from_array(arr, t.name))
    return True


def _blank_input(m, rng):
    nodes = [n for n in m.graph.node if n.input]
    n = rng.choice(nodes)
    n.input[rng.randrange(len(n.input))] = ""
    return True


def _extra_output(m, rng):
    rng.choice(m.graph.node).output.append(f"extra_{rng.randrange(1000)}")
    return True


def _drop_attr(m, rng):
    nodes = [n for n in m.graph.node if n.attribute]
    if not nodes:
        return False
    n = rng.choice(nodes)
    del n.attribute[rng.randrange(len(n.attribute))]
    return True


def _input_dims(m, rng):
    dims = [d for v in m.graph.input for d in v.type.tensor_type.shape.dim]
    if not dims:
        return False
    d = rng.choice(dims)
    d.dim_value = rng.choice([0, 2**31, 2**40, 2**62, 100000, 3])
    return True


def _init_dims(m, rng):
    if not m.graph.initializer:
        return False
    t = rng.choice(m.graph.initializer)
    dims = list(t.dims) or [1]
    dims[rng.randrange(len(dims))] = rng.choice([0, 2, 2**31, 2**62, -1])
    del t.dims[:]
    t.dims.extend(dims)
    return True


def _dtype_swap(m, rng):
    if not m.graph.initializer:
        return False
    rng.choice(m.graph.initializer).data_type = rng.choice([1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99])
    return True


def _op_swap(m, rng):
    rng.choice(m.graph.node).op_type = rng.choice(OPS)
    return True


def _opset(m, rng):
    m.opset_import[0].version = rng.choice([1, 6, 7, 9, 11, 17, 18, 10000])
    return True


def _rewire(m, rng):
    """An input taken from a later node (a cycle) or from nowhere."""
    n = rng.choice([n for n in m.graph.node if n.input])
    i = rng.randrange(len(n.input))
    n.input[i] = rng.choice([o for k in m.graph.node for o in k.output] + ["nowhere"])
    return True


def _names(m, rng):
    """A node and a value named with control bytes (patched in the bytes later)."""
    rng.choice(m.graph.node).name = "CTRLNAME"
    return True


ONNX_MUTATIONS = [_attr_extreme, _attr_extreme, _attr_extreme, _init_extreme, _init_extreme,
                  _float_init_extreme,
                  _blank_input, _extra_output, _drop_attr, _input_dims, _init_dims, _dtype_swap,
                  _op_swap, _opset, _rewire, _names]


def mutate_onnx(seed_bytes, rng):
    m = ModelProto()
    m.ParseFromString(seed_bytes)
    if rng.random() < 0.1:
        return byte_noise(seed_bytes, rng)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        try:
            rng.choice(ONNX_MUTATIONS)(m, rng)
        except (ValueError, IndexError, TypeError):
            pass  # an earlier mutation left nothing this one can decode
    data = m.SerializeToString()
    # Same length, so the protobuf framing stays valid: ESC, BEL, 0xff, 0xfe.
    return data.replace(b"CTRLNAME", b"\x1b[31m\x07\xff\xfe\x00"[:8].ljust(8, b"\x01"))


# -------------------------------------------------------------- text files

_NUMBER = re.compile(r"(?<![\w.])-?\d+(\.\d+)?")


def mutate_numbers(text, rng):
    """Replaces one to three numbers in a cfg or prototxt with extremes, or
    drops or duplicates a line."""
    lines = text.split("\n")
    if rng.random() < 0.15 and len(lines) > 2:
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            del lines[i]
        else:
            lines.insert(i, lines[i])
        return "\n".join(lines)
    spots = [(i, mt.span()) for i, l in enumerate(lines) for mt in _NUMBER.finditer(l)]
    for i, (a, b) in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        value = str(rng.choice(EXTREMES + [0.0, -0.5, 1e30]))
        lines[i] = lines[i][:a] + value + lines[i][b:] if b <= len(lines[i]) else lines[i]
    return "\n".join(lines)


# --------------------------------------------------------------- IR, npy

def mutate_ir_json(text, rng):
    """Sets one to three numbers or strings of the on-disk IR's JSON to
    hostile values."""
    doc = json.loads(text)
    spots = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + [k])
        elif isinstance(node, list):
            for k, v in enumerate(node):
                walk(v, path + [k])
        elif isinstance(node, (int, float, str)) and not isinstance(node, bool):
            spots.append(path)

    walk(doc, [])
    for path in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        old = parent[path[-1]]
        parent[path[-1]] = rng.choice(EXTREMES) if not isinstance(old, str) else rng.choice(
            ["", "\u0000\u001b[2J", "Conv", "f32", "x" * 200, "../../../etc/passwd"])
    return json.dumps(doc)


def mutate_npy(data, rng):
    header_end = data.find(b"\n") + 1
    header = data[:header_end].decode("latin-1")
    kind = rng.randrange(4)
    if kind == 0:
        header = re.sub(r"\(([^)]*)\)", f"({rng.choice(EXTREMES)}, {rng.choice(EXTREMES)})", header, 1)
    elif kind == 1:
        header = header.replace("<f4", rng.choice(["<f8", "|b1", "<U4", ">f4", "<c8", "O"]))
    elif kind == 2:
        return data[:rng.randrange(len(data))]
    else:
        return byte_noise(data, rng)
    return header.encode("latin-1") + data[header_end:]
