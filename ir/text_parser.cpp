// The text IR reader: one statement per line (tokens from ir/text_lexer.h),
// building the Model as it goes.
#include "ir/text_parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>

#include "ir/text_lexer.h"
#include "ir/text_literals.h"
#include "support/checked_math.h"
#include "support/memory_budget.h"

namespace nnport {
namespace {

using textir::Lexer;
using textir::Token;

// Builds the model statement by statement.
class Parser {
 public:
  Expected<std::unique_ptr<Model>> run(const std::string& text) {
    model_ = std::make_unique<Model>();
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      ++lineNo_;
      comment_.clear();
      NNP_ASSIGN_OR_RETURN(toks_, Lexer(line, lineNo_).tokens(comment_));
      at_ = 0;
      if (peek().kind == Token::End) continue;
      NNP_RETURN_IF_ERROR(statement());
    }
    if (!sawGraph_) return Status::invalid("text IR: no graph");
    if (!closed_) return Status::invalid("text IR: the graph is not closed with '}}'");
    if (model_->opsets.empty()) model_->opsets = {{"", 17}};
    return resolveOutputs();
  }

 private:
  const Token& peek() const { return toks_[at_]; }
  const Token& next() { return toks_[at_ < toks_.size() - 1 ? at_++ : at_]; }
  bool accept(const char* p) {
    if (peek().kind != Token::Punct || peek().text != p) return false;
    ++at_;
    return true;
  }
  bool word(const char* w) {
    if (peek().kind != Token::Word || peek().text != w) return false;
    ++at_;
    return true;
  }
  Status fail(const std::string& what) const {
    return Status::invalid("text IR line {}, column {}: {}", lineNo_, peek().col + 1, what);
  }
  Status expect(const char* p) {
    return accept(p) ? Status::ok() : fail(std::string("expected '") + p + "'");
  }

  Status statement() {
    const Token& t = peek();
    if (t.kind == Token::Word && t.text == "model") return modelLine();
    if (t.kind == Token::Word && t.text == "graph") return graphLine();
    if (!sawGraph_ || closed_) return fail("a statement outside the graph");
    if (accept("}")) {
      closed_ = true;
      return Status::ok();
    }
    return assignment();
  }

  Status modelLine() {
    next();
    while (peek().kind == Token::Word) {
      const std::string key = next().text;
      NNP_RETURN_IF_ERROR(expect("="));
      if (key == "opsets") {
        NNP_RETURN_IF_ERROR(opsets());
      } else if (key == "ir_version" || key == "model_version") {
        NNP_ASSIGN_OR_RETURN(int64_t v, integer());
        (key == "ir_version" ? model_->irVersion : model_->modelVersion) = v;
      } else if (key == "producer" || key == "producer_version" || key == "domain") {
        if (peek().kind != Token::Str) return fail("expected a string");
        std::string& dst = key == "producer" ? model_->producerName
                           : key == "domain" ? model_->domain
                                             : model_->producerVersion;
        dst = next().text;
      } else {
        return fail("unknown model field '" + key + "'");
      }
    }
    return peek().kind == Token::End ? Status::ok() : fail("unexpected token");
  }

  Status opsets() {
    NNP_RETURN_IF_ERROR(expect("["));
    while (!accept("]")) {
      // A domain that is not a bare word prints quoted: "dom+x":1.
      if (peek().kind == Token::Str) {
        const std::string domain = next().text;
        NNP_RETURN_IF_ERROR(expect(":"));
        NNP_ASSIGN_OR_RETURN(int64_t version, integer());
        model_->opsets.push_back({domain, version});
        accept(",");
        continue;
      }
      if (peek().kind != Token::Word) return fail("expected domain:version");
      const std::string item = next().text;
      const size_t colon = item.rfind(':');
      if (colon == std::string::npos) return fail("expected domain:version");
      const std::string domain = item.substr(0, colon);
      NNP_ASSIGN_OR_RETURN(int64_t version, intText(item.substr(colon + 1)));
      model_->opsets.push_back({domain == "ai.onnx" ? "" : domain, version});
      accept(",");
    }
    return Status::ok();
  }

  Status graphLine() {
    if (sawGraph_) return fail("a second graph");
    next();
    sawGraph_ = true;
    if (peek().kind == Token::Word || peek().kind == Token::Str) model_->graph.name = next().text;
    NNP_RETURN_IF_ERROR(expect("("));
    while (!accept(")")) {
      if (peek().kind != Token::Ref) return fail("expected %input");
      if (find(peek().text)) return fail("%" + peek().text + " is defined twice");
      const std::string name = next().text;
      NNP_RETURN_IF_ERROR(expect(":"));
      NNP_ASSIGN_OR_RETURN(TensorType type, tensorType());
      model_->graph.addInput(name, type);
      accept(",");
    }
    if (!word("-")) return fail("expected '->'");
    NNP_RETURN_IF_ERROR(expect(">"));
    NNP_RETURN_IF_ERROR(expect("("));
    while (!accept(")")) {
      if (peek().kind != Token::Ref) return fail("expected %output");
      outputs_.push_back(next().text);
      if (accept(":")) {
        NNP_ASSIGN_OR_RETURN(TensorType type, tensorType());
        outputTypes_.push_back(type);
      } else {
        outputTypes_.push_back({});
      }
      accept(",");
    }
    return expect("{");
  }

  Expected<int64_t> integer() {
    if (peek().kind != Token::Word) return fail("expected an integer");
    return intText(next().text);
  }

  // Whole-token numbers; out of range is an error, not a saturated value.
  Expected<int64_t> intText(const std::string& t) const {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(t.c_str(), &end, 10);
    if (end == t.c_str() || *end) return fail("'" + t + "' is not an integer");
    if (errno == ERANGE) return fail("'" + t + "' is out of the int64 range");
    return static_cast<int64_t>(v);
  }
  Expected<float> floatText(const std::string& t) const {
    char* end = nullptr;
    const float v = std::strtof(t.c_str(), &end);
    if (end == t.c_str() || *end) return fail("'" + t + "' is not a number");
    return v;
  }

  Expected<TensorType> tensorType() {
    if (peek().kind != Token::Word) return fail("expected a type such as f32[1,3]");
    const std::string dt = next().text;
    auto d = dtypeFromName(dt);
    if (!d) return fail("unknown dtype '" + dt + "'");
    NNP_RETURN_IF_ERROR(expect("["));
    if (accept("*")) {
      NNP_RETURN_IF_ERROR(expect("]"));
      return TensorType{*d, Shape()};
    }
    std::vector<Dim> dims;
    while (!accept("]")) {
      if (accept("?"))
        dims.emplace_back(Dim::symbolic(""));
      else if (peek().kind == Token::Word &&
               std::isdigit(static_cast<unsigned char>(peek().text[0]))) {
        NNP_ASSIGN_OR_RETURN(int64_t d, intText(next().text));
        dims.emplace_back(d);
      } else if (peek().kind == Token::Word || peek().kind == Token::Str)
        dims.push_back(Dim::symbolic(next().text));
      else
        return fail("expected a dim");
      accept(",");
    }
    return TensorType{*d, Shape(std::move(dims))};
  }

  Value* find(const std::string& name) const { return model_->graph.findValue(name); }

  Status assignment() {
    std::vector<std::string> lhs;
    do {
      if (word("_"))
        lhs.emplace_back();
      else if (peek().kind == Token::Ref)
        lhs.push_back(next().text);
      else
        return fail("expected %name");
    } while (accept(","));
    // Single assignment: a name defined twice would shadow the first.
    for (size_t i = 0; i < lhs.size(); ++i)
      if (!lhs[i].empty() &&
          (find(lhs[i]) || std::find(lhs.begin(), lhs.begin() + i, lhs[i]) != lhs.begin() + i))
        return fail("%" + lhs[i] + " is defined twice");
    NNP_RETURN_IF_ERROR(expect("="));
    if (peek().kind == Token::Word && peek().text == "const") {
      next();
      if (lhs.size() != 1 || lhs[0].empty()) return fail("a constant defines one value");
      NNP_ASSIGN_OR_RETURN(TensorPtr t, tensorLiteral(lhs[0]));
      model_->graph.addInitializer(lhs[0], t);
      return peek().kind == Token::End ? Status::ok() : fail("unexpected token after the constant");
    }
    return nodeCall(lhs);
  }

  Status nodeCall(const std::vector<std::string>& lhs) {
    if (peek().kind != Token::Word && peek().kind != Token::Str) return fail("expected an op name");
    // domain::Op, either part quoted when it is not a bare word.
    std::string op, domain;
    while (peek().kind == Token::Word || peek().kind == Token::Str ||
           (peek().kind == Token::Punct && peek().text == ":"))
      op += next().text;
    const size_t sep = op.rfind("::");
    if (sep != std::string::npos) {
      domain = op.substr(0, sep);
      op = op.substr(sep + 2);
    }
    NNP_RETURN_IF_ERROR(expect("("));
    std::vector<Value*> ins;
    while (!accept(")")) {
      if (word("_")) {
        ins.push_back(nullptr);
      } else if (peek().kind == Token::Ref) {
        Value* v = find(peek().text);
        if (!v) return fail("%" + peek().text + " is used before it is defined");
        next();
        ins.push_back(v);
      } else {
        return fail("expected %input or _");
      }
      accept(",");
    }
    AttributeMap attrs;
    if (accept("{")) NNP_RETURN_IF_ERROR(attributes(attrs));
    Node* n = model_->graph.addNode(op, domain, ins, lhs, comment_);
    n->attrs = std::move(attrs);
    if (accept(":"))
      for (size_t i = 0; i < lhs.size(); ++i) {
        if (word("_")) {
          accept(",");
          continue;
        }
        NNP_ASSIGN_OR_RETURN(TensorType t, tensorType());
        if (n->output(i)) n->output(i)->type = t;
        accept(",");
      }
    return peek().kind == Token::End ? Status::ok() : fail("unexpected token after the node");
  }

  Status attributes(AttributeMap& attrs) {
    while (!accept("}")) {
      if (peek().kind != Token::Word && peek().kind != Token::Str)
        return fail("expected an attribute name");
      const std::string name = next().text;
      NNP_RETURN_IF_ERROR(expect("="));
      NNP_ASSIGN_OR_RETURN(Attribute a, attribute(name));
      attrs.set(std::move(a));
      accept(",");
    }
    return Status::ok();
  }

  Expected<Attribute> attribute(const std::string& name) {
    if (peek().kind == Token::Str) return Attribute::ofString(name, next().text);
    if (peek().kind == Token::Word && peek().text == "tensor") {
      next();
      NNP_ASSIGN_OR_RETURN(TensorPtr t, tensorLiteral(name));
      return Attribute::ofTensor(name, t);
    }
    if (accept("[")) {
      std::vector<std::string> items;
      bool strings = false;
      while (!accept("]")) {
        if (peek().kind != Token::Word && peek().kind != Token::Str)
          return fail("expected a list item");
        strings = strings || peek().kind == Token::Str;
        items.push_back(next().text);
        accept(",");
      }
      bool floats = false;
      for (const auto& i : items) floats = floats || textir::isFloatText(i);
      if (strings) {
        Attribute a;
        a.name = name;
        a.kind = AttrKind::Strings;
        a.strings = items;
        return a;
      }
      Attribute a = floats ? Attribute::ofFloats(name, {}) : Attribute::ofInts(name, {});
      for (const auto& i : items) {
        if (floats) {
          NNP_ASSIGN_OR_RETURN(float f, floatText(i));
          a.floats.push_back(f);
        } else {
          NNP_ASSIGN_OR_RETURN(int64_t v, intText(i));
          a.ints.push_back(v);
        }
      }
      return a;
    }
    if (peek().kind != Token::Word) return fail("expected an attribute value");
    const std::string t = next().text;
    if (textir::isFloatText(t)) {
      NNP_ASSIGN_OR_RETURN(float f, floatText(t));
      return Attribute::ofFloat(name, f);
    }
    NNP_ASSIGN_OR_RETURN(int64_t v, intText(t));
    return Attribute::ofInt(name, v);
  }

  // TYPE [values]? ; without values: deterministic values from the name.
  Expected<TensorPtr> tensorLiteral(const std::string& name) {
    NNP_ASSIGN_OR_RETURN(TensorType type, tensorType());
    std::vector<int64_t> dims;
    for (size_t i = 0; i < type.shape.rank(); ++i) {
      if (!type.shape[i].isStatic()) return fail("a constant needs static dims");
      dims.push_back(type.shape[i].value);
    }
    const std::optional<int64_t> count = checkedElementCount(dims);
    if (!count) return fail("the constant's element count overflows");
    const int64_t n = *count;
    // Values made up or listed: two 8-byte numbers per element until the
    // tensor is built, from a size a short line can state.
    NNP_RETURN_IF_ERROR(
        MemoryBudget::check(static_cast<uint64_t>(n) * 16, fmt::format("constant '{}'", name)));
    std::vector<double> v;
    std::vector<int64_t> ints;  // integer literals exactly (int64 beyond 2^53)
    if (accept("[")) {
      while (!accept("]")) {
        if (static_cast<int64_t>(v.size()) == n) return fail(fmt::format("more than {} values", n));
        if (peek().kind != Token::Word) return fail("expected a number");
        const std::string t = next().text;
        char* end = nullptr;
        const double d = t == "true" ? 1.0 : t == "false" ? 0.0 : std::strtod(t.c_str(), &end);
        if (end && (end == t.c_str() || *end)) return fail(fmt::format("'{}' is not a number", t));
        v.push_back(d);
        const long long i = std::strtoll(t.c_str(), &end, 10);
        ints.push_back(end && *end == 0 && end != t.c_str() ? i : saturatingCast<int64_t>(d));
        accept(",");
      }
      if (static_cast<int64_t>(v.size()) != n)
        return fail(fmt::format("{} values for {} elements", v.size(), n));
    } else {
      v = textir::madeUpValues(name, n);
    }
    if (type.dtype == DType::Int64 && !ints.empty())
      return TensorPtr(std::make_shared<Tensor>(Tensor::fromVector(DType::Int64, dims, ints)));
    auto t = textir::tensorFromLiterals(type.dtype, dims, v);
    if (!t) return fail(t.status().message());
    return t;
  }

  Expected<std::unique_ptr<Model>> resolveOutputs() {
    for (size_t i = 0; i < outputs_.size(); ++i) {
      Value* v = find(outputs_[i]);
      if (!v) return Status::invalid("text IR: graph output %{} is never defined", outputs_[i]);
      if (outputTypes_[i].dtype != DType::Undefined) v->type = outputTypes_[i];
      model_->graph.addOutput(v);
    }
    model_->graph.bindSchemas(model_->opsetMap());
    return std::move(model_);
  }

  std::unique_ptr<Model> model_;
  std::vector<Token> toks_;
  size_t at_ = 0, lineNo_ = 0;
  std::string comment_;
  bool sawGraph_ = false, closed_ = false;
  std::vector<std::string> outputs_;
  std::vector<TensorType> outputTypes_;
};

}  // namespace

Expected<std::unique_ptr<Model>> parseModelText(const std::string& text) {
  return Parser().run(text);
}

}  // namespace nnport
