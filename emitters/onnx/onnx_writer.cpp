// Writing ONNX files: verification with ONNX's own checker, inline weights
// or an external data file, atomic replacement of the targets.
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "emitters/onnx/onnx_emitter.h"
#include "emitters/onnx/onnx_stream_writer.h"
#include "ir/onnx/onnx_proto.h"
#include "ir/verifier.h"
#include "support/atomic_file.h"

namespace nnport::onnxproto {
namespace {

constexpr size_t kExternalThreshold = 1024;  // smaller tensors stay inline
constexpr size_t kExternalAlign = 64;
// Inline initializers this large are written from the IR's buffers, not
// copied into the proto first (onnx_stream_writer.h).
constexpr size_t kStreamThreshold = 64 << 10;

std::string baseOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

size_t weightBytes(const Graph& g) {
  size_t n = 0;
  for (const Value* v : g.initializers()) n += v->initializer()->byteSize();
  return n;
}

Status serializeTo(const onnx::ModelProto& proto, const std::string& path,
                   const std::string& target) {
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return Status::io("{}: cannot write: {}", target, std::strerror(errno));
  bool ok;
  {
    google::protobuf::io::FileOutputStream out(fd);
    ok = proto.SerializeToZeroCopyStream(&out) && out.Flush();
  }
  ok = (::close(fd) == 0) && ok;
  if (!ok) return Status::io("{}: writing the model failed (disk full?)", target);
  return Status::ok();
}

// Writes the bytes of the initializers exported without raw_data into
// `dataPath`, straight from the IR's buffers, and records where they went.
Status externalize(const Graph& ir, onnx::GraphProto& g, const std::string& dataPath,
                   const std::string& location, const std::string& target) {
  std::ofstream out(dataPath, std::ios::binary | std::ios::trunc);
  if (!out) return Status::io("{}: cannot write external data", target);
  size_t offset = 0;
  for (auto& t : *g.mutable_initializer()) {
    if (t.has_raw_data() || t.data_type() == onnx::TensorProto::STRING) continue;
    const Tensor& data = *ir.findValue(t.name())->initializer();
    const size_t pad = (kExternalAlign - offset % kExternalAlign) % kExternalAlign;
    static const char zeros[kExternalAlign] = {};
    out.write(zeros, static_cast<std::streamsize>(pad));
    offset += pad;
    out.write(reinterpret_cast<const char*>(data.rawBytes()),
              static_cast<std::streamsize>(data.byteSize()));
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    auto add = [&](const char* k, const std::string& v) {
      auto* kv = t.add_external_data();
      kv->set_key(k);
      kv->set_value(v);
    };
    add("location", location);
    add("offset", std::to_string(offset));
    add("length", std::to_string(data.byteSize()));
    offset += data.byteSize();
  }
  out.close();
  if (!out) return Status::io("{}: writing external data failed (disk full?)", target);
  return Status::ok();
}

void setLocations(onnx::GraphProto& g, const std::string& location) {
  for (auto& t : *g.mutable_initializer())
    for (auto& kv : *t.mutable_external_data())
      if (kv.key() == "location") kv.set_value(location);
}

Status checkerFailure(const std::exception& e, const std::string& path) {
  std::string msg = e.what();
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  return Status::invalid("{}: the ONNX checker rejects the output: {}", path, msg);
}

// check_model, then strict shape inference, on `p` itself.
Status checkInPlace(onnx::ModelProto& p, const std::string& path) {
  try {
    onnx::checker::check_model(p);
    onnx::shape_inference::InferShapes(p, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception& e) {
    return checkerFailure(e, path);
  }
  return Status::ok();
}

Status verifyFile(const std::string& modelPath, const std::string& target) {
  try {
    onnx::checker::check_model(modelPath);
  } catch (const std::exception& e) {
    return checkerFailure(e, target);
  }
  return Status::ok();
}

}  // namespace

Status verifyModelProto(onnx::ModelProto& proto, const std::string& path, bool runChecker) {
  // Strict type and shape inference reads only small shape tensors and adds
  // value_info, so it runs on a copy made while large raw_data is moved out
  // (no 100 MB copy of the weights); the bytes are moved back after.
  std::vector<std::pair<onnx::TensorProto*, std::string>> held;
  for (auto& t : *proto.mutable_graph()->mutable_initializer())
    if (t.raw_data().size() > 4096) {
      held.emplace_back(&t, std::move(*t.mutable_raw_data()));
      t.clear_raw_data();
    }
  onnx::ModelProto light = proto;
  for (auto& [t, bytes] : held) *t->mutable_raw_data() = std::move(bytes);
  try {
    if (runChecker) onnx::checker::check_model(proto);
    onnx::shape_inference::InferShapes(light, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception& e) {
    return checkerFailure(e, path);
  }
  return Status::ok();
}

Status writeOnnx(const Model& m, const std::string& path, const EmitOptions& opts) {
  // ONNX's checker and shape inference trust what they are given (a zero
  // stride divides by zero inside them): the op records check it first.
  NNP_RETURN_IF_ERROR(validateModel(m).withContext(path));
  const bool external = opts.externalData || weightBytes(m.graph) > opts.inlineLimitBytes;
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<onnx::ModelProto> proto,
                       exportModel(m, external ? kExternalThreshold : kStreamThreshold));
  onnx::GraphProto& g = *proto->mutable_graph();
  AtomicFile model(path);
  NNP_RETURN_IF_ERROR(model.open());
  if (!external) {
    const InitializerPayloads payloads = payloadsFor(m.graph, g);
    if (opts.verify) {
      onnx::ModelProto checkable = checkableCopy(*proto, payloads);
      NNP_RETURN_IF_ERROR(checkInPlace(checkable, path));
    }
    NNP_RETURN_IF_ERROR(writeWithPayloads(*proto, payloads, model.tempPath(), path));
    return model.commit();
  }
  const std::string dataPath = path + ".data";
  AtomicFile data(dataPath);
  NNP_RETURN_IF_ERROR(data.open());
  NNP_RETURN_IF_ERROR(externalize(m.graph, g, data.tempPath(), baseOf(data.tempPath()), path));
  if (opts.verify) {
    // The checker resolves external data beside the model file, so it runs
    // on the written file; strict shape inference runs on the small proto.
    NNP_RETURN_IF_ERROR(serializeTo(*proto, model.tempPath(), path));
    NNP_RETURN_IF_ERROR(verifyFile(model.tempPath(), path));
    NNP_RETURN_IF_ERROR(verifyModelProto(*proto, path, /*runChecker=*/false));
  }
  setLocations(g, baseOf(dataPath));
  NNP_RETURN_IF_ERROR(serializeTo(*proto, model.tempPath(), path));
  return commitAll({&data, &model});
}

void registerOnnxEmitter(EmitterRegistry& r) {
  r.add({"onnx", {".onnx"}, "ONNX ModelProto (checked with onnx::checker)", writeOnnx, true});
}

}  // namespace nnport::onnxproto
