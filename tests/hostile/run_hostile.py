#!/usr/bin/python3
"""Feeds a hostile corpus through the nnport CLI and fails on any broken promise.

    run_hostile.py NNPORT WORKDIR [--seeds-from BUILD/conformance ...] [--count N]
                   [--jobs J] [--max-rss-mb MB] [--seed S]

Builds the corpus in WORKDIR from committed seeds (tests/hostile/onnx_seeds.py),
IR pairs made from them with `nnport toir`, .npy files and, when
--seeds-from names a conformance output tree, the Darknet, Caffe and
TensorFlow models the conformance scripts generated; mutates each
(tests/hostile/mutate.py) with a fixed seed; then runs convert, inspect,
run, optimize, toir and fromir on the variants. Every run must:
- exit with a documented code other than 5 (5 is a bug in nnport) and not
  die of a signal;
- when it fails, print exactly one line, starting "nnport: error: ";
- leave no temporary file in the output folder, and nothing at all there
  when it fails;
- finish within the timeout and, with --max-rss-mb, stay under that peak
  RSS (off for sanitizer builds, whose shadow memory inflates it).
Failing inputs are copied to WORKDIR/violations/ with the command.
"""
import argparse
import collections
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutate  # noqa: E402
import onnx_seeds  # noqa: E402

DOCUMENTED = {0, 1, 2, 3, 4, 6, 7}
TIMEOUT = 120


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def conformance_models(root, kind):
    """(name, files, extra flags) from a conformance run's models.txt."""
    listing = os.path.join(root, kind, "models", "models.txt")
    if not os.path.exists(listing):
        return []
    out = []
    for line in read(listing, "r").splitlines():
        parts = line.split()
        if len(parts) >= 3 and not parts[0].endswith(("_v010", "_logits", "_cut")):
            files = parts[1:3] if kind != "tensorflow" else parts[1:2]
            if all(os.path.exists(f) for f in files):
                out.append((parts[0], files, parts[4 if kind != "tensorflow" else 3:]))
    return out


class Corpus:
    """Writes mutated inputs and the commands to run on each."""

    def __init__(self, nnport, work, rng):
        self.nnport, self.work, self.rng, self.cases = nnport, work, rng, []

    def add(self, kind, files, commands):
        self.cases.append((kind, files, commands))

    def path(self, name):
        return os.path.join(self.work, "corpus", name)

    def onnx(self, count):
        seeds = {f.__name__: f().SerializeToString() for f in onnx_seeds.SEEDS}
        for name, data in seeds.items():
            write(self.path(f"seed_{name}.onnx"), data)
        for i in range(count):
            name = self.rng.choice(sorted(seeds))
            p = self.path(f"onnx_{i:04d}_{name}.onnx")
            write(p, mutate.mutate_onnx(seeds[name], self.rng))
            self.add("onnx", [p], [
                ["convert", p, "{out}/o.onnx"], ["inspect", "--json", p],
                ["run", p, "--random-inputs", "0", "--output-dir", "{out}/r"],
                ["optimize", p, "-o", "{out}/p.onnx"], ["toir", "-sf", "onnx", "-iw", p, "-o", "{out}/ir"]])

    def ir(self, count):
        pairs = []
        for f in onnx_seeds.SEEDS:
            prefix = self.path(f"seedir_{f.__name__}")
            if subprocess.run([self.nnport, "toir", "-sf", "onnx", "-iw", self.path(f"seed_{f.__name__}.onnx"),
                               "-o", prefix], capture_output=True).returncode == 0:
                pairs.append((read(prefix + ".json", "r"), read(prefix + ".bin")))
        for i in range(count if pairs else 0):
            js, bn = self.rng.choice(pairs)
            j, b = self.path(f"ir_{i:04d}.json"), self.path(f"ir_{i:04d}.bin")
            if self.rng.random() < 0.75:
                js = mutate.mutate_ir_json(js, self.rng)
            else:
                bn = mutate.byte_noise(bn, self.rng)
            write(j, js)
            write(b, bn)
            self.add("ir", [j, b], [["fromir", "-in", j, "-iw", b, "-df", "onnx", "-om", "{out}/o.onnx"],
                                    ["run", j, "--random-inputs", "0"]])

    def npy(self, count):
        import numpy as np
        seed = self.path("seed_cnn.onnx")
        base = self.path("seed_x.npy")
        np.save(base, np.zeros((1, 3, 8, 8), np.float32))
        for i in range(count):
            p = self.path(f"npy_{i:04d}.npy")
            write(p, mutate.mutate_npy(read(base), self.rng))
            self.add("npy", [p], [["run", seed, "--input", f"x={p}", "--output-dir", "{out}/r"]])

    def framework(self, root, kind, count):
        models = conformance_models(root, kind) if root else []
        for i in range(count if models else 0):
            name, files, flags = self.rng.choice(models)
            new = []
            for k, f in enumerate(files):
                ext = os.path.splitext(f)[1]
                data = read(f)
                text = ext in (".cfg", ".prototxt")
                if self.rng.random() < (0.8 if text else 0.5) and (text or len(files) == 1 or k == 1):
                    data = (mutate.mutate_numbers(data.decode(), self.rng).encode() if text
                            else mutate.byte_noise(data, self.rng))
                new.append(self.path(f"{kind}_{i:04d}_{name}{ext}"))
                write(new[-1], data)
            args = ["convert", "-sf", kind]
            args += ["-in", new[0], "-iw", new[1]] if len(new) == 2 else ["-iw", new[0]]
            self.add(kind, new, [args + ["{out}/o.onnx"] + flags])


def spawn(args):
    """Runs nnport; returns (exit code or -signal, stderr, peak RSS in MB, timed out)."""
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timer = threading.Timer(TIMEOUT, p.kill)
    timer.start()
    err = p.stderr.read()
    p.stderr.close()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    timed_out = not timer.is_alive()
    timer.cancel()
    return p.returncode, err.decode("utf-8", "replace"), usage.ru_maxrss // 1024, timed_out


def judge(rc, err, left, rss_mb, max_rss_mb, timed_out):
    """What broke a promise of the CLI in one run, or None."""
    if timed_out:
        return f"no answer in {TIMEOUT} s"
    if rc < 0:
        return f"killed by signal {-rc}"
    if rc not in DOCUMENTED:
        return f"exit {rc}"
    if rc != 0 and (not err.startswith("nnport: error: ") or err.count("\n") != 1):
        return f"exit {rc} without one error line"
    if any(".nnport-tmp-" in f for f in left):
        return "a temporary file was left behind"
    if rc != 0 and left:
        return f"exit {rc} left output behind: {left}"
    if max_rss_mb and rss_mb > max_rss_mb:
        return f"peak RSS {rss_mb} MB is past {max_rss_mb} MB"
    return None


def run_case(nnport, work, index, case, max_rss_mb):
    kind, files, commands = case
    problems, codes = [], []
    for c, command in enumerate(commands):
        out = os.path.join(work, "out", f"{index}_{c}")
        os.makedirs(out)
        args = [a.replace("{out}", out) for a in command]
        rc, err, rss_mb, timed_out = spawn([nnport] + args)
        codes.append(rc)
        why = judge(rc, err, sorted(os.listdir(out)), rss_mb, max_rss_mb, timed_out)
        if why:
            problems.append((args, f"{why}: {err.strip()[:400]}"))
        shutil.rmtree(out, ignore_errors=True)
    return kind, files, codes, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nnport")
    ap.add_argument("work")
    ap.add_argument("--seeds-from", action="append", default=[],
                    help="a conformance output tree; the first that exists is used")
    ap.add_argument("--count", type=int, default=int(os.environ.get("NNPORT_HOSTILE_COUNT", "120")))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--max-rss-mb", type=int, default=0)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(os.path.join(a.work, "corpus"))
    os.makedirs(os.path.join(a.work, "out"))
    corpus = Corpus(os.path.abspath(a.nnport), a.work, random.Random(a.seed))
    corpus.onnx(a.count)
    corpus.ir(a.count // 2)
    corpus.npy(a.count // 4)
    seeds = next((d for d in a.seeds_from if os.path.isdir(d)), "")
    if not seeds:
        print("no conformance tree: Darknet, Caffe and TensorFlow inputs are left out")
    for kind in ("darknet", "caffe", "tensorflow"):
        corpus.framework(seeds, kind, a.count // 2)
    codes = collections.defaultdict(collections.Counter)
    violations = []
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = [pool.submit(run_case, corpus.nnport, a.work, i, c, a.max_rss_mb)
                   for i, c in enumerate(corpus.cases)]
        for f in futures:
            kind, files, exits, problems = f.result()
            codes[kind].update(exits)
            violations += [(kind, files, args, why) for args, why in problems]
    kept = os.path.join(a.work, "violations")
    for kind, files, args, why in violations:
        os.makedirs(kept, exist_ok=True)
        for f in files:
            shutil.copy(f, kept)
        print(f"VIOLATION [{kind}] nnport {' '.join(args)}\n    {why}")
    for kind, c in sorted(codes.items()):
        print(f"  {kind}: {sum(c.values())} runs, exit codes " +
              ", ".join(f"{code}: {n}" for code, n in sorted(c.items())))
    runs = sum(sum(c.values()) for c in codes.values())
    print(f"hostile corpus: {len(corpus.cases)} inputs, {runs} runs, {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
