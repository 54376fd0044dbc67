// The on-disk IR pair as an output format; both files are replaced together.
#include "emitters/registry.h"
#include "ir/serialize/ir_json.h"
#include "support/atomic_file.h"

namespace nnport {

std::string irBinPathFor(const std::string& jsonPath);

Status writeIrPair(const Model& m, const std::string& jsonPath, const std::string& binPath) {
  AtomicFile json(jsonPath), bin(binPath);
  NNP_RETURN_IF_ERROR(json.open());
  NNP_RETURN_IF_ERROR(bin.open());
  Status st = writeIr(m, json.tempPath(), bin.tempPath());
  if (!st) {
    // Name the files the user asked for, not our temporaries.
    std::string msg = st.message();
    for (const auto* f : {&json, &bin})
      for (size_t at; (at = msg.find(f->tempPath())) != std::string::npos;)
        msg.replace(at, f->tempPath().size(), f->target());
    return {st.code(), msg};
  }
  return commitAll({&bin, &json});
}

void registerIrEmitter(EmitterRegistry& r) {
  r.add({"ir",
         {".json"},
         "nnport on-disk IR: <prefix>.json (graph) + <prefix>.bin (weights)",
         [](const Model& m, const std::string& path, const EmitOptions&) {
           return writeIrPair(m, path, irBinPathFor(path));
         }});
}

}  // namespace nnport
