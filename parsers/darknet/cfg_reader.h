// Darknet .cfg files: a list of [sections] of key=value options. Whitespace
// is not significant, '#' and ';' start comment lines, and an option before
// the first section is an error. Typed accessors name the file, section and
// line of a malformed or out-of-range value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/status.h"

namespace nnport::darknet {

struct CfgOption {
  std::string key, value;
  int line = 0;
};

class CfgSection {
 public:
  std::string type;  // "convolutional" for [convolutional]
  int index = 0;     // position among all sections; [net] is 0
  int line = 0;
  std::string file;
  std::vector<CfgOption> options;

  // "net.cfg: section 3 [maxpool] (line 27)": the prefix of every error.
  std::string where() const;

  const CfgOption* find(const std::string& key) const;
  bool has(const std::string& key) const { return find(key) != nullptr; }
  Expected<int64_t> getInt(const std::string& key, int64_t fallback) const;
  // getInt, failing naming the key when the value is outside [lo, hi].
  Expected<int64_t> getInt(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) const;
  // Fails naming the key when `value` (read from `key`, or its default) is
  // outside [lo, hi].
  Status checkRange(const std::string& key, int64_t value, int64_t lo, int64_t hi) const;
  // Numbers must be finite: "nan" and "inf" are errors.
  Expected<float> getFloat(const std::string& key, float fallback) const;
  std::string getString(const std::string& key, const std::string& fallback) const;
  // A comma-separated list ("1,-3"); empty when the key is absent.
  Expected<std::vector<int64_t>> getInts(const std::string& key) const;
  Expected<std::vector<float>> getFloats(const std::string& key) const;
  // Fails naming the key when the option is present and not `expected`
  // (options that change the maths and that nnport does not implement).
  Status requireDefault(const std::string& key, int64_t expected) const;
};

// Darknet cfgs are tens of kilobytes; a larger text is refused before it is
// split into sections, whose bookkeeping costs many times the text.
constexpr size_t kMaxCfgBytes = size_t{4} << 20;

// Sections in file order. `file` names the source in errors.
Expected<std::vector<CfgSection>> parseCfg(const std::string& text, const std::string& file);
Expected<std::vector<CfgSection>> readCfg(const std::string& path);

}  // namespace nnport::darknet
