// The op registry: every op is declared once, with its operands, typed
// attributes and defaults, type/shape inference, cost (MACs) and traits.
// Parsers, passes, the interpreter and emitters all read these records.
// Each op family registers itself from its own file (ir/ops/<family>.cpp);
// ir/ops/all_ops.cpp lists the families.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"

namespace nnport {

enum OpTrait : uint32_t {
  kElementwise = 1u << 0,      // output[i] depends on input[i] only (with broadcasting)
  kLayoutSensitive = 1u << 1,  // semantics depend on the NCHW/NHWC layout
  kQuantizable = 1u << 2,      // has an integer/quantized lowering
  kFusedActivation = 1u << 3,  // may carry a fused activation (IR-level)
  kCommutative = 1u << 4,      // binary op whose operands may swap
  kShapeOp = 1u << 5,          // only moves/reshapes data or computes shapes
};

enum class Arity : uint8_t { Single, Optional, Variadic };

// How a Transpose feeding the op moves below it (passes/push_transposes):
// the op's operands and attributes are rewritten for the Transpose's input
// layout by the family's rule. None: the op does not take a Transpose.
enum class TransposeRule : uint8_t {
  None,
  Unary,      // input 0 permuted, the rest (scalars, Cast's type) unchanged
  Broadcast,  // every input permuted (constants and rank-lower operands adapted)
  Concat,     // axis remapped
  Reduce,     // axes remapped; keepdims=0 drops them after the Transpose
  ArgReduce,  // axis remapped; keepdims=0 drops it
  Softmax,    // axis remapped when the op works on one axis (opset 13+)
  Pad,        // pads (and axes) remapped
  Slice,      // axes remapped
  Squeeze,    // axes remapped, the Transpose after drops them
};

// What the op contributes when it is fused into the node producing its
// input (ir/fused_activation.h): the float parameters the fused form
// carries, in order (alpha, beta), each read from the input of that name
// when the node has it (a constant scalar, as Clip-11 takes min and max),
// else from the attribute of that name.
struct FusedActivationRule {
  std::vector<std::string> params;
};

// How the quantizer treats the op (quantize/): which inputs carry
// activations to observe and quantize, which one is a weight (quantized per
// channel along weightAxis, or per tensor), and the bias it reads (int32,
// scale = input scale x weight scale). -1: none.
struct QuantizationRule {
  std::vector<int> activations{0};
  bool allInputs = false;  // every input is an activation (Concat)
  int weight = -1;
  int bias = -1;
  // The weight's output-channel axis; a function of the node where an
  // attribute moves it (Gemm's transB), else the fixed axis.
  std::function<int64_t(const Node&)> weightAxis;
  // The QOperator form (`--format qoperator`): the integer op that replaces
  // DequantizeLinear -> op -> QuantizeLinear, with the float op's attributes
  // (those at their default may be dropped). Its operands: (x, x_scale,
  // x_zero_point) for every quantized input in order, then, by `layout`,
  // the output's (y_scale, y_zero_point) and the int32 bias. Empty op: the
  // op stays in QDQ form.
  enum class IntegerLayout {
    OutputThenBias,  // QLinearConv, QLinearMatMul, QLinearAdd, ...
    OutputFirst,     // QLinearConcat: the output's pair before the inputs
    BiasThenOutput,  // QGemm: C before y_scale, y_zero_point
  };
  std::string integerOp, integerDomain;
  IntegerLayout integerLayout = IntegerLayout::OutputThenBias;

  QuantizationRule& integerForm(std::string op, std::string domain = "",
                                IntegerLayout layout = IntegerLayout::OutputThenBias) {
    integerOp = std::move(op);
    integerDomain = std::move(domain);
    integerLayout = layout;
    return *this;
  }
};

// The domain of ONNX Runtime's contrib ops (QLinearAdd, QLinearConcat, ...).
inline constexpr const char* kMicrosoftDomain = "com.microsoft";

// The rule of an op with a weight: activation input 0, `weight` quantized
// per channel along axis(node), `bias` (or -1).
QuantizationRule weightedQuantization(int weight, int bias,
                                      std::function<int64_t(const Node&)> axis);
// The rule of an op without a weight: these inputs carry activations.
QuantizationRule activationQuantization(std::vector<int> inputs = {0});
// Every input is an activation (variadic ops).
QuantizationRule allInputsQuantization();

struct OperandSpec {
  std::string name;
  Arity arity = Arity::Single;
};

struct AttrSpec {
  std::string name;
  AttrKind kind = AttrKind::Undefined;
  bool required = false;
  std::optional<Attribute> defaultValue;
  // The range every integer of an Int or Ints attribute must lie in (the
  // verifier checks it before anything divides or allocates by it).
  int64_t minInt = INT64_MIN, maxInt = INT64_MAX;
};

class InferenceContext;
using InferFn = std::function<Status(InferenceContext&)>;
// Multiply-accumulates of one node, from its (inferred) types; symbolic
// dims count as 1.
using CostFn = std::function<int64_t(const Node&)>;

struct OpSchema {
  std::string name;
  std::string domain;  // "" = ai.onnx
  int sinceVersion = 1;
  std::string doc;
  std::vector<OperandSpec> inputs, outputs;
  std::vector<AttrSpec> attrs;
  InferFn infer;
  CostFn macs;
  uint32_t traits = 0;
  TransposeRule transposeRule = TransposeRule::None;
  std::optional<FusedActivationRule> fusedActivation;  // set: a fusable activation
  std::optional<QuantizationRule> quantization;        // set: the quantizer handles it

  const AttrSpec* attr(const std::string& n) const;
  // The index of the input named n, or -1.
  int inputIndex(const std::string& n) const;
  bool has(OpTrait t) const { return (traits & t) != 0; }
  size_t minInputs() const;
  size_t maxInputs() const;   // SIZE_MAX when variadic
  size_t maxOutputs() const;  // SIZE_MAX when variadic
};

class OpSchemaBuilder {
 public:
  explicit OpSchemaBuilder(OpSchema& s) : s_(s) {}
  OpSchemaBuilder& since(int v);
  OpSchemaBuilder& doc(std::string d);
  OpSchemaBuilder& input(std::string name, Arity a = Arity::Single);
  OpSchemaBuilder& optionalInput(std::string name) {
    return input(std::move(name), Arity::Optional);
  }
  OpSchemaBuilder& variadicInput(std::string name) {
    return input(std::move(name), Arity::Variadic);
  }
  OpSchemaBuilder& output(std::string name, Arity a = Arity::Single);
  OpSchemaBuilder& optionalOutput(std::string name) {
    return output(std::move(name), Arity::Optional);
  }
  OpSchemaBuilder& variadicOutput(std::string name) {
    return output(std::move(name), Arity::Variadic);
  }
  // Attributes: with a default, optional without one, or required.
  OpSchemaBuilder& attr(std::string name, int64_t def);
  OpSchemaBuilder& attr(std::string name, float def);
  OpSchemaBuilder& attr(std::string name, std::string def);
  OpSchemaBuilder& attr(std::string name, const char* def) {
    return attr(std::move(name), std::string(def));
  }
  OpSchemaBuilder& attr(std::string name, std::vector<int64_t> def);
  OpSchemaBuilder& attr(std::string name, std::vector<float> def);
  OpSchemaBuilder& optionalAttr(std::string name, AttrKind kind);
  OpSchemaBuilder& requiredAttr(std::string name, AttrKind kind);
  // The integer range of the attribute declared last: [lo, hi].
  OpSchemaBuilder& range(int64_t lo, int64_t hi = INT64_MAX);
  OpSchemaBuilder& traits(uint32_t t);
  OpSchemaBuilder& transposeRule(TransposeRule r);
  // A fusable activation carrying these parameters (see FusedActivationRule).
  OpSchemaBuilder& fusableActivation(std::vector<std::string> params = {});
  OpSchemaBuilder& quantization(QuantizationRule q);
  OpSchemaBuilder& infer(InferFn f);
  OpSchemaBuilder& macs(CostFn f);

 private:
  OpSchema& s_;
};

class OpRegistry {
 public:
  // The process-wide registry, filled with every op family on first use.
  static OpRegistry& instance();

  OpSchemaBuilder add(const std::string& name, const std::string& domain = "");
  const OpSchema* find(const std::string& domain, const std::string& name) const;
  std::vector<const OpSchema*> all() const;
  size_t size() const { return schemas_.size(); }

 private:
  std::map<std::pair<std::string, std::string>, std::unique_ptr<OpSchema>> schemas_;
};

// What an inference function sees of one node.
class InferenceContext {
 public:
  InferenceContext(const Node& node, int64_t opset,
                   const std::unordered_map<const Value*, std::vector<Dim>>& shapeValues)
      : node_(node), opset_(opset), shapeValues_(shapeValues) {
    outputs_.resize(node.numOutputs());
    outputShapeValues_.resize(node.numOutputs());
  }

  // Input types from `types` where it has them (the verifier's walk over
  // inferred types), else the values' recorded types.
  void useTypes(const std::unordered_map<const Value*, TensorType>* types) { types_ = types; }

  const Node& node() const { return node_; }
  int64_t opset() const { return opset_; }
  size_t numInputs() const { return node_.numInputs(); }
  size_t numOutputs() const { return node_.numOutputs(); }
  bool hasInput(size_t i) const { return node_.input(i) != nullptr; }
  bool hasOutput(size_t i) const { return node_.output(i) != nullptr; }
  // Type of input i, or nullptr when absent or not a tensor.
  const TensorType* inputType(size_t i) const;
  DType inputDType(size_t i) const;
  // The constant data of input i when it is an initializer, else nullptr.
  TensorPtr constantInput(size_t i) const;
  // Integer contents of a 0-D/1-D input when known: from a constant, or
  // propagated through shape computations (Shape, Gather, Concat...). Element
  // encoding: a Dim with an empty symbol holds the literal integer `value`
  // (negative allowed, e.g. Reshape's -1); a named symbol is a symbolic size;
  // the symbol "?" is an unknown element.
  std::optional<std::vector<Dim>> shapeValue(size_t i) const;

  // Attributes with schema defaults.
  int64_t attrInt(const std::string& n) const { return node_.attrInt(n); }
  float attrFloat(const std::string& n) const { return node_.attrFloat(n); }
  std::string attrString(const std::string& n) const { return node_.attrString(n); }
  std::vector<int64_t> attrInts(const std::string& n) const { return node_.attrInts(n); }
  std::vector<float> attrFloats(const std::string& n) const { return node_.attrFloats(n); }
  bool hasAttr(const std::string& n) const { return node_.attrs.find(n) != nullptr; }

  void setOutput(size_t i, TensorType t);
  void setOutput(size_t i, DType d, Shape s) { setOutput(i, TensorType{d, std::move(s)}); }
  void setOutputShapeValue(size_t i, std::vector<Dim> v);

  // An error naming the node and op.
  template <typename... Args>
  Status error(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::invalid("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(a)...));
  }

  const std::vector<std::optional<TensorType>>& outputs() const { return outputs_; }
  const std::vector<std::optional<std::vector<Dim>>>& outputShapeValues() const {
    return outputShapeValues_;
  }

 private:
  const Node& node_;
  int64_t opset_;
  const std::unordered_map<const Value*, std::vector<Dim>>& shapeValues_;
  const std::unordered_map<const Value*, TensorType>* types_ = nullptr;
  std::vector<std::optional<TensorType>> outputs_;
  std::vector<std::optional<std::vector<Dim>>> outputShapeValues_;
};

// Called once by OpRegistry::instance(); defined in ir/ops/all_ops.cpp.
void registerAllOps(OpRegistry& r);

}  // namespace nnport
