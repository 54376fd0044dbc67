#!/usr/bin/python3
"""Write an ONNX model whose weights pass protobuf's 2 GB limit.

    /usr/bin/python3 tests/models/make_large_model.py OUTDIR [--gib 2.25]

Three float32 embedding tables (together --gib GiB) kept in external data
(model.onnx + weights.bin), read by Gather with an int64 index input and
concatenated: output [6, 256]. Written in the backend-test layout with one
input/output pair computed by numpy, so ONNX Runtime can check it.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

WIDTH = 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--gib", type=float, default=2.25)
    args = ap.parse_args()
    os.makedirs(os.path.join(args.outdir, "test_data_set_0"), exist_ok=True)
    rows = int(args.gib * (1 << 30) / 3 / (WIDTH * 4))
    idx = np.array([0, rows - 1], dtype=np.int64)
    tables, picks = [], []
    for t in range(3):
        table = np.full((rows, WIDTH), float(t), dtype=np.float32)
        table[idx] = np.arange(2 * WIDTH, dtype=np.float32).reshape(2, WIDTH) + 1000 * t
        picks.append(table[idx])
        tables.append(numpy_helper.from_array(table, f"table{t}"))
        del table
    nodes = [helper.make_node("Gather", [f"table{t}", "idx"], [f"g{t}"], name=f"gather{t}")
             for t in range(3)]
    nodes.append(helper.make_node("Concat", ["g0", "g1", "g2"], ["out"], axis=0, name="concat"))
    graph = helper.make_graph(
        nodes, "large",
        [helper.make_tensor_value_info("idx", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [6, WIDTH])],
        initializer=tables)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save_model(model, os.path.join(args.outdir, "model.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="weights.bin")
    data = os.path.join(args.outdir, "test_data_set_0")
    with open(os.path.join(data, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(idx, "idx").SerializeToString())
    with open(os.path.join(data, "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(np.concatenate(picks), "out").SerializeToString())
    size = os.path.getsize(os.path.join(args.outdir, "weights.bin"))
    print(f"wrote {args.outdir}/model.onnx with {size / (1 << 30):.2f} GiB of external weights")


if __name__ == "__main__":
    main()
