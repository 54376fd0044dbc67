// Printing models and graphs in the text form of the IR.
#include "ir/printer.h"

#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "support/utf8.h"

namespace nnport {
namespace {

// Lists longer than kMaxListItems print their first items and the total
// count; constants up to kMaxInlineElements print their values. Complete
// printing (PrintOptions) lifts both for the print in progress on this
// thread (LimitsScope).
struct Limits {
  size_t maxListItems = 32;
  int64_t maxInlineElements = 8;
};
thread_local Limits limits;

class LimitsScope {
 public:
  explicit LimitsScope(const PrintOptions& o) : saved_(limits) {
    if (o.complete) limits = {SIZE_MAX, INT64_MAX};
  }
  ~LimitsScope() { limits = saved_; }
  LimitsScope(const LimitsScope&) = delete;
  LimitsScope& operator=(const LimitsScope&) = delete;

 private:
  Limits saved_;
};

bool isBareChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '/';
}

// A double-quoted string: control bytes, and all bytes >= 0x80 when the
// string is not valid UTF-8, are escaped as \xNN.
std::string quoted(const std::string& s) {
  const bool utf8 = isValidUtf8(s);
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
          out += fmt::format("\\x{:02x}", c);
        else
          out += ch;
    }
  }
  return out + "\"";
}

// Names print bare when made of [A-Za-z0-9_./-], else quoted.
std::string ident(const std::string& s) {
  if (s.empty()) return quoted(s);
  for (char c : s)
    if (!isBareChar(static_cast<unsigned char>(c))) return quoted(s);
  return s;
}

std::string ref(const Value* v) {
  return v ? "%" + ident(v->name()) : "_";
}

template <typename T, typename F>
std::string list(const std::vector<T>& items, F show) {
  std::string out = "[";
  for (size_t i = 0; i < items.size() && i < limits.maxListItems; ++i) {
    if (i) out += ",";
    out += show(items[i]);
  }
  if (items.size() > limits.maxListItems) out += fmt::format(",... ({} items)", items.size());
  return out + "]";
}

// Shortest form that reads back to the same value, always with a '.' or an
// exponent so floats are told apart from integers.
template <typename F>
std::string floatText(F f) {
  std::string s = fmt::format("{}", f);
  if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
  return s;
}

std::string shapeText(const Shape& s) {
  if (!s.rankKnown()) return "[*]";
  std::string out = "[";
  for (size_t i = 0; i < s.rank(); ++i) {
    if (i) out += ",";
    const Dim& d = s[i];
    out += d.isStatic() ? std::to_string(d.value) : d.symbol.empty() ? "?" : ident(d.symbol);
  }
  return out + "]";
}

std::string typeText(const TensorType& t) {
  return std::string(dtypeName(t.dtype)) + shapeText(t.shape);
}

std::string quantText(const QuantParams& q, DType dtype) {
  auto showFloat = [](float f) { return floatText(f); };
  auto showInt = [](int64_t v) { return std::to_string(v); };
  std::string out = "quant(scale=";
  out += q.scales.size() == 1 && !q.perAxis() ? floatText(q.scales[0]) : list(q.scales, showFloat);
  out += ", zp=";
  out += q.zeroPoints.size() == 1 && !q.perAxis() ? std::to_string(q.zeroPoints[0])
                                                  : list(q.zeroPoints, showInt);
  if (q.perAxis()) out += fmt::format(", axis={}", q.axis);
  if (q.storage != dtype) out += fmt::format(", storage={}", dtypeName(q.storage));
  return out + ")";
}

std::string valueType(const Value* v) {
  if (!v) return "_";
  std::string out = !v->foreignType.empty() && v->type.dtype == DType::Undefined
                        ? fmt::format("<foreign type {} bytes>", v->foreignType.size())
                        : typeText(v->type);
  if (v->quant) out += " " + quantText(*v->quant, v->type.dtype);
  return out;
}

// Element i of a validated tensor.
std::string element(const Tensor& t, int64_t i) {
  const uint8_t* p = t.rawData();
  const auto k = static_cast<size_t>(i);
  switch (t.dtype()) {
    case DType::Float32:
    case DType::Float16:
    case DType::BFloat16:
      return floatText(static_cast<float>(t.floatAt(i)));
    case DType::Float64:
      return floatText(t.floatAt(i));
    case DType::Bool:
      return p[k] ? "true" : "false";
    case DType::UInt64:
      return std::to_string(static_cast<uint64_t>(t.intAt(i)));
    case DType::Int4:
    case DType::UInt4: {
      // Two per byte, the first in the low nibble.
      int v = (k % 2 ? p[k / 2] >> 4 : p[k / 2]) & 0xf;
      if (t.dtype() == DType::Int4 && v >= 8) v -= 16;
      return std::to_string(v);
    }
    case DType::Complex64: {
      float c[2];
      std::memcpy(c, p + 8 * k, sizeof c);
      return "(" + floatText(c[0]) + "," + floatText(c[1]) + ")";
    }
    case DType::Complex128: {
      double c[2];
      std::memcpy(c, p + 16 * k, sizeof c);
      return "(" + floatText(c[0]) + "," + floatText(c[1]) + ")";
    }
    case DType::String:
      return quoted(t.strings()[k]);
    default:
      return isInteger(t.dtype()) ? std::to_string(t.intAt(i)) : "?";
  }
}

// "f32[2,3]", followed by the values when there are few and they are valid.
std::string tensorText(const Tensor& t, const std::optional<QuantParams>& quant) {
  std::string out = typeText({t.dtype(), Shape::ofSizes(t.dims())});
  if (quant) out += " " + quantText(*quant, t.dtype());
  const int64_t n = t.numElements();
  if (n < 0 || n > limits.maxInlineElements || t.dtype() == DType::Undefined || !t.validate())
    return out;
  out += " [";
  for (int64_t i = 0; i < n; ++i) {
    if (i) out += ",";
    out += element(t, i);
  }
  return out + "]";
}

std::string opaqueText(const char* what, const std::string& bytes) {
  return fmt::format("<{} {} bytes>", what, bytes.size());
}

std::string attrValue(const Attribute& a) {
  if (!a.refAttrName.empty()) return "@" + ident(a.refAttrName);
  auto tensor = [](const TensorPtr& t) {
    return t ? "tensor " + tensorText(*t, std::nullopt) : std::string("<null tensor>");
  };
  auto opaque = [&](const char* what) {
    return [what](const std::string& b) { return opaqueText(what, b); };
  };
  auto first = [](const auto& v, auto show) {
    return v.empty() ? std::string("<none>") : show(v[0]);
  };
  switch (a.kind) {
    case AttrKind::Float:
      return floatText(a.f);
    case AttrKind::Int:
      return std::to_string(a.i);
    case AttrKind::String:
      return quoted(a.s);
    case AttrKind::Floats:
      return list(a.floats, [](float f) { return floatText(f); });
    case AttrKind::Ints:
      return list(a.ints, [](int64_t v) { return std::to_string(v); });
    case AttrKind::Strings:
      return list(a.strings, quoted);
    case AttrKind::Tensor:
      return first(a.tensors, tensor);
    case AttrKind::Tensors:
      return list(a.tensors, tensor);
    case AttrKind::Graph:
      return first(a.opaque, opaque("graph"));
    case AttrKind::Graphs:
      return list(a.opaque, opaque("graph"));
    case AttrKind::SparseTensor:
      return first(a.opaque, opaque("sparse_tensor"));
    case AttrKind::SparseTensors:
      return list(a.opaque, opaque("sparse_tensor"));
    case AttrKind::TypeProto:
      return first(a.opaque, opaque("type_proto"));
    case AttrKind::TypeProtos:
      return list(a.opaque, opaque("type_proto"));
    case AttrKind::Undefined:
      break;
  }
  return "<undefined>";
}

template <typename T, typename F>
std::string join(const std::vector<T>& items, F show) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += show(items[i]);
  }
  return out;
}

std::string signature(const Value* v) {
  return v ? ref(v) + ": " + valueType(v) : "_";
}

std::string nodeLine(const Node& n) {
  std::string out = "  ";
  if (!n.outputs().empty()) out += join(n.outputs(), ref) + " = ";
  if (!n.domain().empty()) out += ident(n.domain()) + "::";
  out += ident(n.opType()) + "(" + join(n.inputs(), ref) + ")";
  if (!n.captures().empty()) out += " captures(" + join(n.captures(), ref) + ")";
  if (!n.attrs.empty())
    out +=
        " {" +
        join(n.attrs.all(), [](const Attribute& a) { return ident(a.name) + "=" + attrValue(a); }) +
        "}";
  if (!n.outputs().empty()) out += " : " + join(n.outputs(), valueType);
  if (!n.name().empty()) out += "  # " + ident(n.name());
  return out + "\n";
}

}  // namespace

std::string printGraph(const Graph& g, const PrintOptions& options) {
  LimitsScope scope(options);
  std::string out = "graph " + ident(g.name) + " (" + join(g.inputs(), signature) + ") -> (" +
                    join(g.outputs(), signature) + ") {\n";
  auto order = g.topologicalOrder();
  const std::vector<Node*> nodes = order ? order.value() : g.nodes();

  // Listed initializers first, then constants a pass attached to a value
  // without listing it, in the order nodes read them.
  std::vector<Value*> constants = g.initializers();
  std::unordered_set<const Value*> seen(constants.begin(), constants.end());
  for (const Node* n : nodes)
    for (const auto* operands : {&n->inputs(), &n->captures()})
      for (Value* v : *operands)
        if (v && v->isConstant() && !v->producer() && seen.insert(v).second) constants.push_back(v);
  for (const Value* v : constants)
    out += "  " + ref(v) + " = const " + tensorText(*v->initializer(), v->quant) + "\n";

  for (const Node* n : nodes) out += nodeLine(*n);
  return out + "}\n";
}

std::string printModel(const Model& m, const PrintOptions& options) {
  LimitsScope scope(options);
  std::string out = fmt::format("model ir_version={}", m.irVersion);
  if (!m.producerName.empty()) out += " producer=" + quoted(m.producerName);
  if (!m.producerVersion.empty()) out += " producer_version=" + quoted(m.producerVersion);
  if (!m.domain.empty()) out += " domain=" + quoted(m.domain);
  if (m.modelVersion != 0) out += fmt::format(" model_version={}", m.modelVersion);
  out += " opsets=" + list(m.opsets, [](const OpsetImport& o) {
           return fmt::format("{}:{}", o.domain.empty() ? "ai.onnx" : ident(o.domain), o.version);
         });
  if (!m.metadata.empty())
    out += " metadata={" +
           join(m.metadata,
                [](const auto& kv) { return quoted(kv.first) + "=" + quoted(kv.second); }) +
           "}";
  for (const auto& [name, blobs] : m.opaqueParts())
    if (!blobs->empty()) out += fmt::format(" {}=<{} opaque>", name, blobs->size());
  return out + "\n" + printGraph(m.graph, options);
}

}  // namespace nnport
