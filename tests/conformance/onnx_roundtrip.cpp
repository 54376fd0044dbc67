// ONNX -> IR -> ONNX over a list of backend-test directories: checks that the
// output passes ONNX's checker and equals the input (after normalizing tensor
// storage), writes each output beside a copy of the test data, and writes a
// manifest for tests/peers/ort_run.js.
//
// usage: nnport_onnx_roundtrip OUT_DIR MANIFEST.json TEST_DIR...
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "emitters/onnx/onnx_emitter.h"
#include "ir/dtype_codes.h"
#include "ir/onnx/onnx_proto.h"
#include "ir/serialize/ir_json.h"
#include "ir/verifier.h"
#include "parsers/onnx/onnx_reader.h"

namespace fs = std::filesystem;
using namespace nnport;

namespace {

// Typed-field tensors become raw_data so storage choices compare equal.
void normalizeTensor(onnx::TensorProto& t) {
  if (t.data_type() == onnx::TensorProto::STRING || t.has_raw_data() ||
      t.data_location() == onnx::TensorProto::EXTERNAL)
    return;
  onnx::TensorProto copy = t;
  auto imported = onnxproto::importTensor(copy, {".", "x"}, "x");
  if (!imported) return;
  std::string raw(reinterpret_cast<const char*>(imported.value()->rawData()),
                  imported.value()->byteSize());
  t.clear_float_data();
  t.clear_int32_data();
  t.clear_int64_data();
  t.clear_double_data();
  t.clear_uint64_data();
  t.set_raw_data(raw);
}

// An explicitly empty domain equals an absent one.
void normalize(onnx::ModelProto& m) {
  for (auto& o : *m.mutable_opset_import())
    if (o.domain().empty()) o.clear_domain();
  auto* g = m.mutable_graph();
  for (auto& n : *g->mutable_node())
    if (n.domain().empty()) n.clear_domain();
  for (auto& t : *g->mutable_initializer()) normalizeTensor(t);
  for (auto& n : *g->mutable_node())
    for (auto& a : *n.mutable_attribute()) {
      auto imported = onnxproto::importAttribute(a, {".", "x"}, "x");
      if (imported) {
        onnx::AttributeProto back;
        onnxproto::exportAttribute(imported.value(), &back);
        a = back;
      }
      if (a.has_t()) normalizeTensor(*a.mutable_t());
      for (auto& t : *a.mutable_tensors()) normalizeTensor(t);
    }
}

bool sameModel(const onnx::ModelProto& a, const onnx::ModelProto& b, std::string& report) {
  google::protobuf::util::MessageDifferencer diff;
  report.clear();
  diff.ReportDifferencesToString(&report);
  return diff.Compare(a, b);
}

void silence(google::protobuf::LogLevel, const char*, int, const std::string&) {}

struct Result {
  std::string status;  // "pass", "import-error", "export-error", "not-lossless"
  std::string reason;
};

Result roundTrip(const fs::path& dir, const fs::path& outDir) {
  const std::string path = (dir / "model.onnx").string();
  auto proto = onnxproto::readModelProto(path);
  if (!proto) return {"import-error", proto.status().message()};
  onnx::ModelProto original = *proto.value();
  auto model = onnxproto::importModel(*proto.value(), path);
  if (!model) return {"import-error", model.status().message()};
  if (Status v = verifyModel(*model.value()); !v) return {"verify-error", v.message()};
  fs::create_directories(outDir);
  const std::string out = (outDir / "model.onnx").string();
  EmitOptions opts;
  Status st = onnxproto::writeOnnx(*model.value(), out, opts);
  if (!st) {
    // Distinguish our faults from models ONNX's own full check rejects.
    if (!onnxproto::verifyModelProto(original, path)) return {"original-fails-check", st.message()};
    return {"export-error", st.message()};
  }
  auto back = onnxproto::readModelProto(out);
  if (!back) return {"export-error", back.status().message()};
  normalize(original);
  normalize(*back.value());
  std::string report;
  if (!sameModel(original, *back.value(), report)) return {"not-lossless", report.substr(0, 300)};

  // Second leg: IR -> on-disk IR (.json + .bin) -> IR -> ONNX, also lossless.
  std::string json, bin;
  st = writeIrToStrings(*model.value(), &json, &bin);
  if (!st) return {"ir-error", st.message()};
  auto reread = readIrFromMemory(json, makeStringBuffer(std::move(bin)), path + ".json");
  if (!reread) return {"ir-error", reread.status().message()};
  auto viaIr = onnxproto::exportModel(*reread.value());
  if (!viaIr) return {"ir-error", viaIr.status().message()};
  normalize(*viaIr.value());
  if (!sameModel(original, *viaIr.value(), report))
    return {"ir-not-lossless", report.substr(0, 300)};
  return {"pass", ""};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: nnport_onnx_roundtrip OUT_DIR MANIFEST.json TEST_DIR...\n";
    return 2;
  }
  google::protobuf::SetLogHandler(silence);
  const fs::path outRoot = argv[1];
  nlohmann::json manifest = nlohmann::json::array();
  nlohmann::json results = nlohmann::json::array();
  std::map<std::string, int> counts;
  for (int i = 3; i < argc; ++i) {
    const fs::path dir = fs::path(argv[i]);
    if (!fs::exists(dir / "model.onnx")) continue;
    const std::string name = dir.parent_path().filename().string() + "/" + dir.filename().string();
    const fs::path outDir = outRoot / name;
    Result r = roundTrip(dir, outDir);
    ++counts[r.status];
    results.push_back({{"name", name}, {"status", r.status}, {"reason", r.reason}});
    if (r.status != "pass") {
      std::cout << "FAIL " << name << ": " << r.status << ": " << r.reason.substr(0, 200) << "\n";
      continue;
    }
    manifest.push_back({{"name", name},
                        {"model", (outDir / "model.onnx").string()},
                        {"data", fs::absolute(dir).string()},
                        {"reference_model", fs::absolute(dir / "model.onnx").string()}});
  }
  std::ofstream(argv[2]) << manifest.dump(1);
  std::ofstream(outRoot / "roundtrip_results.json") << results.dump(1);
  const int total = argc - 3;
  std::cout << "ONNX round trip: " << counts["pass"] << " passed, " << (total - counts["pass"])
            << " failed (of " << total << ")";
  for (const auto& [k, v] : counts)
    if (k != "pass") std::cout << "; " << k << " " << v;
  std::cout << "\n";
  return 0;
}
