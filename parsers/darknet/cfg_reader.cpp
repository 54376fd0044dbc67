// Reading Darknet .cfg text into sections (see cfg_reader.h).
#include "parsers/darknet/cfg_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nnport::darknet {
namespace {

// Darknet drops every blank inside a line ("size = 3" is "size=3").
std::string withoutBlanks(const std::string& line) {
  std::string s;
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') s += c;
  return s;
}

// A trailing "# ..." after a value is a comment.
std::string withoutTrailingComment(const std::string& value) {
  const auto hash = value.find('#');
  return hash == std::string::npos ? value : value.substr(0, hash);
}

std::vector<std::string> splitCommas(const std::string& s) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

std::optional<int64_t> toInt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<float> toFloat(const std::string& s) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const float v = std::strtof(s.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::string CfgSection::where() const {
  return fmt::format("{}: section {} [{}] (line {})", file, index, type, line);
}

const CfgOption* CfgSection::find(const std::string& key) const {
  // The last assignment wins, as in Darknet's option list lookups.
  for (auto it = options.rbegin(); it != options.rend(); ++it)
    if (it->key == key) return &*it;
  return nullptr;
}

Expected<int64_t> CfgSection::getInt(const std::string& key, int64_t fallback) const {
  const CfgOption* o = find(key);
  if (!o) return fallback;
  if (auto v = toInt(o->value)) return *v;
  return Status::invalid("{}: line {}: '{}={}' is not an integer", where(), o->line, key, o->value);
}

Expected<int64_t> CfgSection::getInt(const std::string& key, int64_t fallback, int64_t lo,
                                     int64_t hi) const {
  NNP_ASSIGN_OR_RETURN(int64_t v, getInt(key, fallback));
  NNP_RETURN_IF_ERROR(checkRange(key, v, lo, hi));
  return v;
}

Status CfgSection::checkRange(const std::string& key, int64_t value, int64_t lo, int64_t hi) const {
  if (value >= lo && value <= hi) return Status::ok();
  const CfgOption* o = find(key);
  const std::string line = o ? fmt::format("line {}: ", o->line) : "";
  const std::string origin = o ? "" : " (the default)";
  return Status::invalid("{}: {}'{}={}'{} is out of range: {}..{}", where(), line, key, value,
                         origin, lo, hi);
}

Expected<float> CfgSection::getFloat(const std::string& key, float fallback) const {
  const CfgOption* o = find(key);
  if (!o) return fallback;
  if (auto v = toFloat(o->value)) return *v;
  return Status::invalid("{}: line {}: '{}={}' is not a finite number", where(), o->line, key,
                         o->value);
}

std::string CfgSection::getString(const std::string& key, const std::string& fallback) const {
  const CfgOption* o = find(key);
  return o ? o->value : fallback;
}

Expected<std::vector<int64_t>> CfgSection::getInts(const std::string& key) const {
  std::vector<int64_t> out;
  const CfgOption* o = find(key);
  if (!o) return out;
  for (const auto& part : splitCommas(o->value)) {
    auto v = toInt(part);
    if (!v)
      return Status::invalid("{}: line {}: '{}={}' is not a list of integers", where(), o->line,
                             key, o->value);
    out.push_back(*v);
  }
  return out;
}

Expected<std::vector<float>> CfgSection::getFloats(const std::string& key) const {
  std::vector<float> out;
  const CfgOption* o = find(key);
  if (!o) return out;
  for (const auto& part : splitCommas(o->value)) {
    auto v = toFloat(part);
    if (!v)
      return Status::invalid("{}: line {}: '{}={}' is not a list of finite numbers", where(),
                             o->line, key, o->value);
    out.push_back(*v);
  }
  return out;
}

Status CfgSection::requireDefault(const std::string& key, int64_t expected) const {
  NNP_ASSIGN_OR_RETURN(int64_t v, getInt(key, expected));
  if (v == expected) return Status::ok();
  return Status::unsupported("{}: '{}={}' is not supported (only {})", where(), key, v, expected);
}

Expected<std::vector<CfgSection>> parseCfg(const std::string& text, const std::string& file) {
  if (text.size() > kMaxCfgBytes)
    return Status::invalid("{}: more than {} bytes, larger than any Darknet cfg", file,
                           kMaxCfgBytes);
  std::vector<CfgSection> sections;
  std::istringstream in(text);
  std::string raw;
  for (int lineNo = 1; std::getline(in, raw); ++lineNo) {
    const std::string line = withoutBlanks(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      const auto close = line.find(']');
      if (close == std::string::npos || close == 1)
        return Status::invalid("{}: line {}: malformed section header '{}'", file, lineNo, line);
      CfgSection s;
      s.type = line.substr(1, close - 1);
      s.index = static_cast<int>(sections.size());
      s.line = lineNo;
      s.file = file;
      sections.push_back(std::move(s));
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::invalid("{}: line {}: expected key=value, got '{}'", file, lineNo, line);
    if (sections.empty())
      return Status::invalid("{}: line {}: option '{}' comes before the first [section]", file,
                             lineNo, line.substr(0, eq));
    sections.back().options.push_back(
        {line.substr(0, eq), withoutTrailingComment(line.substr(eq + 1)), lineNo});
  }
  if (sections.empty()) return Status::invalid("{}: no [sections]: not a Darknet cfg", file);
  return sections;
}

Expected<std::vector<CfgSection>> readCfg(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::invalid("{}: cannot open the Darknet cfg", path);
  // One byte past the limit is enough to refuse it: a device or a huge file
  // is never read whole.
  std::string text(kMaxCfgBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (f.bad()) return Status::invalid("{}: cannot read the Darknet cfg", path);
  text.resize(static_cast<size_t>(f.gcount()));
  return parseCfg(text, path);
}

}  // namespace nnport::darknet
