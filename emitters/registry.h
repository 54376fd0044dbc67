// Emitters, keyed by format name ("onnx", later "kmodel", "nbg"). Each writes
// a Model to a file atomically; an op the target cannot express is an error
// naming the node and op, never a silent drop.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "support/format_registry.h"

namespace nnport {

struct EmitOptions {
  // Write weights to a side file ("<output>.data") instead of inline. Forced
  // on by the ONNX emitter when the model would pass protobuf's 2 GB limit.
  bool externalData = false;
  // Serialized weight bytes past which external data is forced (protobuf's
  // 2 GB message limit, less headroom); tests lower it.
  size_t inlineLimitBytes = (size_t{2} << 30) - (size_t{64} << 20);
  // Run the target's own checker on the result (ONNX: check_model and strict
  // shape inference).
  bool verify = true;
};

struct Emitter {
  std::string name;
  std::vector<std::string> extensions;
  std::string description;
  std::function<Status(const Model&, const std::string& path, const EmitOptions&)> emit;
  bool verifies = false;  // runs the target's own checker when EmitOptions::verify
};

class EmitterRegistry : public FormatRegistry<Emitter> {
 public:
  static EmitterRegistry& instance();
};

void registerAllEmitters(EmitterRegistry& r);  // emitters/all_emitters.cpp

}  // namespace nnport
