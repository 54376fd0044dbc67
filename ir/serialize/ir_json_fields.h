// Checked access to the untrusted JSON of an IR pair (internal to the IR
// reader): every getter checks the JSON type before reading, and every blob
// reference is checked against the .bin. Errors say where ("value 'x':
// shape[1]: -3 is negative"); the reader adds the file name.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/shape.h"
#include "ir/tensor.h"
#include "support/status.h"

namespace nnport::irjson {

using Json = nlohmann::json;

// The .bin as the reader sees it: its bytes, and zero-copy slices of them.
struct BinView {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::function<std::shared_ptr<Buffer>(size_t offset, size_t size)> slice;
};

// A checked [offset, size] range of the .bin.
struct BlobRef {
  size_t offset = 0, size = 0;
};

// The member `key` of an object, or nullptr (also when `obj` is no object).
const Json* member(const Json& obj, const char* key);

// `what` / `ctx` name the place for error messages; getters named req* fail
// when the key is missing, opt* leave the output untouched.
class JsonFields {
 public:
  explicit JsonFields(const BinView& bin) : bin_(bin) {}

  static Status need(const Json& obj, const char* key, const std::string& ctx, const Json** out);
  static Status needList(const Json& obj, const char* key, const std::string& ctx,
                         const Json** out);
  // An optional list: *out stays null when the key is absent.
  static Status optList(const Json& obj, const char* key, const std::string& ctx, const Json** out);
  static Status asInt(const Json& j, const std::string& what, int64_t* out);
  static Status asSize(const Json& j, const std::string& what, uint64_t* out);
  // A float is a JSON number within float range, or "0x" and 8 hex digits
  // giving its bits (how infinities and NaNs are written).
  static Status asFloat(const Json& j, const std::string& what, float* out);
  Status checkRange(uint64_t offset, uint64_t size, const std::string& what, BlobRef* out) const;
  Status asBlob(const Json& j, const std::string& what, BlobRef* out) const;
  std::string blobBytes(const BlobRef& b) const;
  Status asBlobBytes(const Json& j, const std::string& what, std::string* out) const;
  // A string inline, or {"bin": [offset, size]} when it is not valid UTF-8.
  Status asText(const Json& j, const std::string& what, std::string* out) const;
  Status reqText(const Json& obj, const char* key, const std::string& ctx, std::string* out) const;
  Status optText(const Json& obj, const char* key, const std::string& ctx, std::string* out) const;
  static Status reqInt(const Json& obj, const char* key, const std::string& ctx, int64_t* out);
  Status asDType(const Json& j, const std::string& what, DType* out) const;
  // null: unknown rank; else a list of sizes, symbols and nulls (unknown).
  Status asShape(const Json& j, const std::string& what, Shape* out) const;
  Status asType(const Json& obj, const std::string& ctx, TensorType* out) const;
  Status floatList(const Json& list, const std::string& what, std::vector<float>* out) const;
  static Status intList(const Json& list, const std::string& what, std::vector<int64_t>* out);
  Status blobList(const Json& obj, const char* key, const std::string& ctx,
                  std::vector<std::string>* out) const;
  Status nameList(const Json& list, const std::string& what, std::vector<std::string>* out) const;

 protected:
  const BinView& bin_;
};

}  // namespace nnport::irjson
