// Shared pieces of the [bad-input] tests: a scratch directory per test, a
// small valid ONNX model to break, running the real `nnport` binary, and the
// checks every failing run must pass (exit code, one-line error, no output,
// no leftover temporary, an existing output left untouched).
#pragma once

#include <onnx/onnx_pb.h>
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace badinput {

namespace fs = std::filesystem;

inline std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void writeFile(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// A fresh directory with `in/` (models the test writes), `out/` (where nnport
// writes) and `log/` (captured stdout and stderr); removed afterwards.
class Workspace {
 public:
  Workspace() {
    std::string pattern = (fs::temp_directory_path() / "nnport-bad-input-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    REQUIRE(::mkdtemp(buf.data()) != nullptr);
    root_ = buf.data();
    fs::create_directory(in());
    fs::create_directory(out());
    fs::create_directory(log());
  }
  ~Workspace() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  fs::path in() const { return root_ / "in"; }
  fs::path out() const { return root_ / "out"; }
  fs::path log() const { return root_ / "log"; }

 private:
  fs::path root_;
};

struct RunResult {
  int exitCode = -1;  // 128 + signal when the process was killed by a signal
  std::string out, err;
};

inline std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// NNPORT_TEST_BINARY, when set, names the binary to run instead of this
// build's (e.g. a sanitizer build of nnport).
inline RunResult runNnport(const Workspace& ws, const std::vector<std::string>& args) {
  const char* override = std::getenv("NNPORT_TEST_BINARY");
  const std::string binary = override && *override ? override : NNPORT_BINARY_DIR "/nnport";
  REQUIRE(fs::exists(binary));  // build the `nnport` target before the tests
  std::string cmd = quoted(binary);
  for (const auto& a : args) cmd += " " + quoted(a);
  const fs::path outLog = ws.log() / "stdout.txt", errLog = ws.log() / "stderr.txt";
  cmd += " >" + quoted(outLog.string()) + " 2>" + quoted(errLog.string());
  const int status = std::system(cmd.c_str());
  RunResult r;
  if (status != -1 && WIFEXITED(status))
    r.exitCode = WEXITSTATUS(status);
  else if (status != -1 && WIFSIGNALED(status))
    r.exitCode = 128 + WTERMSIG(status);
  r.out = readFile(outLog);
  r.err = readFile(errLog);
  return r;
}

// --------------------------------------------------------------- the model

inline void setTensorType(onnx::ValueInfoProto* vi, const std::string& name,
                          const std::vector<int64_t>& dims) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tt->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

// Y = Relu(X + B) with X: f32[1,4], B: f32[4] initializer (raw_data).
// Nodes are named "add" and "relu"; opset 13, IR version 8.
inline onnx::ModelProto validModel() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("bad-input-test");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("small");
  setTensorType(g->add_input(), "X", {1, 4});
  auto* b = g->add_initializer();
  b->set_name("B");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(4);
  const float values[4] = {1.f, -2.f, 3.f, -4.f};
  b->set_raw_data(std::string(reinterpret_cast<const char*>(values), sizeof values));
  auto* add = g->add_node();
  add->set_name("add");
  add->set_op_type("Add");
  add->add_input("X");
  add->add_input("B");
  add->add_output("S");
  auto* relu = g->add_node();
  relu->set_name("relu");
  relu->set_op_type("Relu");
  relu->add_input("S");
  relu->add_output("Y");
  setTensorType(g->add_output(), "Y", {1, 4});
  return m;
}

inline std::string serialized(const onnx::ModelProto& m) {
  std::string s;
  REQUIRE(m.SerializeToString(&s));
  return s;
}

inline fs::path writeModel(const Workspace& ws, const onnx::ModelProto& m,
                           const std::string& name = "model.onnx") {
  const fs::path p = ws.in() / name;
  writeFile(p, serialized(m));
  return p;
}

// ------------------------------------------------------------------ checks

inline std::vector<std::string> filesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

inline bool hasLeftoverTemporary(const fs::path& dir) {
  for (const auto& name : filesIn(dir))
    if (name.size() > 1 && name[0] == '.' && name.find(".nnport-tmp-") != std::string::npos)
      return true;
  return false;
}

struct Expectation {
  int exitCode;
  std::vector<std::string> mentions;  // substrings the one error line must hold
};

inline void checkFailure(const RunResult& r, const Expectation& e) {
  INFO("stderr: " << r.err);
  CHECK(r.exitCode < 128);  // not killed by a signal (crash, sanitizer abort)
  CHECK(r.exitCode == e.exitCode);
  CHECK(r.err.rfind("nnport: error:", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK((!r.err.empty() && r.err.back() == '\n'));
  for (const auto& m : e.mentions) CHECK(r.err.find(m) != std::string::npos);
}

// Runs `args` twice, writing to `output` (inside ws.out()): once with no
// existing output, which must stay absent, and once over a sentinel file,
// which must come through byte for byte. Neither run may leave a temporary.
inline void checkFailingRun(const Workspace& ws, std::vector<std::string> args,
                            const fs::path& output, const Expectation& e) {
  {
    INFO("run without an existing output: nnport " << args.front());
    checkFailure(runNnport(ws, args), e);
    CHECK(filesIn(ws.out()).empty());
    CHECK_FALSE(hasLeftoverTemporary(ws.in()));
  }
  {
    INFO("run over an existing output: nnport " << args.front());
    const std::string sentinel = "a good output from an earlier run\n";
    writeFile(output, sentinel);
    checkFailure(runNnport(ws, args), e);
    CHECK(readFile(output) == sentinel);
    CHECK(filesIn(ws.out()) == std::vector<std::string>{output.filename().string()});
    CHECK_FALSE(hasLeftoverTemporary(ws.in()));
    fs::remove(output);
  }
}

// `nnport convert <model> out/out.onnx [extra...]` must fail as expected.
inline void checkConvertFails(const Workspace& ws, const fs::path& model, const Expectation& e,
                              const std::vector<std::string>& extra = {}) {
  const fs::path output = ws.out() / "out.onnx";
  std::vector<std::string> args = {"convert", model.string(), output.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  checkFailingRun(ws, args, output, e);
}

}  // namespace badinput
