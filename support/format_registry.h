// A registry of named format handlers (parsers, emitters), looked up by name
// or by a file's extension.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace nnport {

// Lower-case extension with the dot ("model.ONNX" -> ".onnx"); "" if none.
std::string fileExtension(const std::string& path);

// T has `std::string name` and `std::vector<std::string> extensions`.
template <typename T>
class FormatRegistry {
 public:
  void add(T entry) { entries_.push_back(std::move(entry)); }
  const T* find(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  const T* forPath(const std::string& path) const {
    const std::string ext = fileExtension(path);
    for (const auto& e : entries_)
      if (std::find(e.extensions.begin(), e.extensions.end(), ext) != e.extensions.end()) return &e;
    return nullptr;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }

 private:
  std::vector<T> entries_;
};

}  // namespace nnport
