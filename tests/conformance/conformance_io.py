"""Files the parser conformance generators write (make_darknet_models.py,
make_caffe_models.py, make_tf_models.py) for their run_*.sh scripts:
one data set in the ONNX backend-test layout, and the manifest for
tests/peers/ort_run.js plus the list of conversions the script runs.
"""
import json
import os

import numpy as np


def write_data_set(directory, inputs, outputs):
    """directory/test_data_set_0/{input,output}_K.pb from (name, array) pairs."""
    from onnx import numpy_helper
    d = os.path.join(directory, "test_data_set_0")
    os.makedirs(d, exist_ok=True)
    for kind, pairs in (("input", inputs), ("output", outputs)):
        for k, (name, array) in enumerate(pairs):
            tensor = numpy_helper.from_array(np.ascontiguousarray(array, np.float32), name)
            with open(os.path.join(d, f"{kind}_{k}.pb"), "wb") as f:
                f.write(tensor.SerializeToString())


def write_manifest(out, entries, conversions):
    """out/manifest.json (ort_run.js entries) and out/models.txt (one
    conversion per line, fields separated by blanks)."""
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(entries, f, indent=1)
    with open(os.path.join(out, "models.txt"), "w") as f:
        for c in conversions:
            f.write(" ".join(c) + "\n")
