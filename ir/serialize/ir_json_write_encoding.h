// The IR writer's low-level encoding (internal to it): the .bin appender
// that places each blob at a 64-byte aligned offset, floats as JSON numbers
// that read back bit for bit, and the compact JSON layout of the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnport::irwrite {

using Json = nlohmann::ordered_json;

// Appends blobs to a byte sink at aligned offsets. The first sink failure is
// remembered; offsets keep advancing so the JSON stays consistent.
class BinWriter {
 public:
  using Sink = std::function<bool(const void*, size_t)>;
  struct Piece {
    const void* data;
    size_t size;
  };

  explicit BinWriter(Sink sink) : sink_(std::move(sink)) {}

  // [offset, size]; an empty blob is [0, 0] and takes no space.
  Json blob(const std::vector<Piece>& pieces);
  Json blob(const std::string& s) { return blob({{s.data(), s.size()}}); }
  bool failed() const { return failed_; }

 private:
  void emit(const void* p, size_t n);
  Sink sink_;
  uint64_t pos_ = 0;
  bool failed_ = false;
};

uint32_t floatBits(float f);

// A finite float becomes a JSON number: its shortest decimal form when that
// survives the reader's detour through double, else the exact double.
// Infinities and NaNs (which JSON cannot spell) become "0x" + 8 hex digits of
// their bits, so NaN payloads survive too.
Json floatJson(float f);
Json floatsJson(const std::vector<float>& v);

// Like nlohmann's dump(1) (one space per level), except that a list of
// scalars (dims, shapes, [offset, size]) stays on one line.
void dumpCompact(const Json& j, size_t depth, std::string& out);

}  // namespace nnport::irwrite
