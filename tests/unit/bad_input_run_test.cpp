// [bad-input]: `nnport run` given malformed, mismatched, missing or extra
// input tensors must fail with the documented exit code and one error line
// naming the input or file, and leave nothing in the output directory. The
// checks are in bad_input_harness.h.
#include "tests/unit/bad_input_harness.h"

using namespace badinput;

namespace {

constexpr int kUsage = 2, kInvalid = 3;

// A version 1.0 .npy file: `descr` such as "<f4", `shape` such as "(1, 4)",
// and `count` elements of `elementBytes` zero bytes each.
std::string npyBytes(const std::string& descr, const std::string& shape, size_t count,
                     size_t elementBytes = 4) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + std::string(count * elementBytes, '\0');
}

// The model's only input X is f32[1,4].
fs::path writeInput(const Workspace& ws, const std::string& name, const std::string& bytes) {
  const fs::path p = ws.in() / name;
  writeFile(p, bytes);
  return p;
}

std::string goodNpy() {
  return npyBytes("<f4", "(1, 4)", 4);
}

// `nnport run <model> --output-dir out/ [extra...]` must fail as expected and
// write nothing there (Y is the model's output, so out/Y.npy is its file).
void checkRunFails(const Workspace& ws, const fs::path& model,
                   const std::vector<std::string>& extra, const Expectation& e) {
  std::vector<std::string> args = {"run", model.string(), "--output-dir", ws.out().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  checkFailingRun(ws, args, ws.out() / "Y.npy", e);
}

}  // namespace

TEST_CASE("nnport run: control, a good input writes the output", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  const fs::path x = writeInput(ws, "x.npy", goodNpy());
  const RunResult r = runNnport(
      ws, {"run", model.string(), "--input", "X=" + x.string(), "--output-dir", ws.out().string()});
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  CHECK(filesIn(ws.out()) == std::vector<std::string>{"Y.npy"});
}

TEST_CASE("nnport run: an input .npy of the wrong dtype", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  SECTION("int32 for a float32 input") {
    const fs::path x = writeInput(ws, "x.npy", npyBytes("<i4", "(1, 4)", 4));
    checkRunFails(ws, model, {"--input", "X=" + x.string()},
                  {kInvalid, {model.string(), "'X'", "i32", "f32"}});
  }
  SECTION("float64 for a float32 input") {
    const fs::path x = writeInput(ws, "x.npy", npyBytes("<f8", "(1, 4)", 4, 8));
    checkRunFails(ws, model, {"--input", "X=" + x.string()},
                  {kInvalid, {model.string(), "'X'", "f64"}});
  }
}

TEST_CASE("nnport run: an input .npy of the wrong shape", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  SECTION("more elements") {
    const fs::path x = writeInput(ws, "x.npy", npyBytes("<f4", "(2, 4)", 8));
    checkRunFails(ws, model, {"--input", "X=" + x.string()},
                  {kInvalid, {model.string(), "'X'", "shape"}});
  }
  SECTION("another rank") {
    const fs::path x = writeInput(ws, "x.npy", npyBytes("<f4", "(4,)", 4));
    checkRunFails(ws, model, {"--input", "X=" + x.string()},
                  {kInvalid, {model.string(), "'X'", "shape"}});
  }
}

TEST_CASE("nnport run: an input .npy with a corrupt header", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  const fs::path x = ws.in() / "x.npy";
  SECTION("a shape that is not a tuple of sizes") {
    writeInput(ws, "x.npy", npyBytes("<f4", "(1, four)", 4));
    checkRunFails(ws, model, {"--input", "X=" + x.string()}, {kInvalid, {x.string(), "shape"}});
  }
  SECTION("no descr") {
    std::string bytes = goodNpy();
    bytes.replace(bytes.find("descr"), 5, "dtype");
    writeInput(ws, "x.npy", bytes);
    checkRunFails(ws, model, {"--input", "X=" + x.string()}, {kInvalid, {x.string(), "descr"}});
  }
  SECTION("bad magic") {
    std::string bytes = goodNpy();
    bytes[1] = 'X';
    writeInput(ws, "x.npy", bytes);
    checkRunFails(ws, model, {"--input", "X=" + x.string()}, {kInvalid, {x.string(), "magic"}});
  }
  SECTION("header length past the end of the file") {
    writeInput(ws, "x.npy", goodNpy().substr(0, 40));
    checkRunFails(ws, model, {"--input", "X=" + x.string()}, {kInvalid, {x.string(), "truncated"}});
  }
  SECTION("fewer data bytes than the header's shape needs") {
    const std::string bytes = goodNpy();
    writeInput(ws, "x.npy", bytes.substr(0, bytes.size() - 4));
    checkRunFails(ws, model, {"--input", "X=" + x.string()}, {kInvalid, {x.string(), "bytes"}});
  }
}

TEST_CASE("nnport run: a missing input", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  SECTION("no --input and no --random-inputs") {
    checkRunFails(ws, model, {}, {kUsage, {model.string(), "'X'", "missing"}});
  }
  SECTION("an input file that does not exist") {
    const fs::path x = ws.in() / "absent.npy";
    checkRunFails(ws, model, {"--input", "X=" + x.string()}, {kInvalid, {x.string()}});
  }
}

TEST_CASE("nnport run: an extra input the model does not have", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  const fs::path x = writeInput(ws, "x.npy", goodNpy());
  SECTION("next to the real one") {
    checkRunFails(ws, model, {"--input", "X=" + x.string(), "--input", "Z=" + x.string()},
                  {kUsage, {model.string(), "'Z'"}});
  }
  SECTION("next to random inputs") {
    checkRunFails(ws, model, {"--random-inputs", "0", "--input", "Z=" + x.string()},
                  {kUsage, {model.string(), "'Z'"}});
  }
}
