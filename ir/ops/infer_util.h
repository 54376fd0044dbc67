// Helpers shared by the op families' inference and cost functions: opsets,
// axes, broadcasting, constant and shape-value operands, element-count
// limits and the sliding-window attributes of conv and pool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/ops/registry.h"

namespace nnport {

// ------------------------------------------------------------------ limits

// Larger ranks come only from malformed models; refusing them keeps inference
// from allocating what a hostile shape tensor asks for.
constexpr int64_t kMaxRank = 1024;

// The ai.onnx opset; a model that does not import it reads as the newest.
inline int64_t opsetOf(const InferenceContext& ctx) {
  return ctx.opset() > 0 ? ctx.opset() : INT64_MAX;
}

// Error when the static dims of `s` multiply past int64 (symbolic dims and
// zeros are skipped).
Status checkElementCount(const InferenceContext& ctx, const Shape& s);

// Product with saturation at INT64_MAX, 0 when either side is not positive
// (costs never overflow).
int64_t satMul(int64_t a, int64_t b);
// A dim's size for cost estimates: symbolic dims count as 1.
inline int64_t sizeOrOne(const Dim& d) {
  return d.isStatic() ? d.value : 1;
}

// -------------------------------------------------------------------- axes

// Axis in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

// Integer attribute `name` as an axis normalized against `rank`.
Expected<int64_t> axisAttr(const InferenceContext& ctx, const std::string& name, int64_t rank);

// Marks the normalized `axes` in a mask of `rank` entries; duplicates and
// out-of-range axes are errors.
Expected<std::vector<bool>> axisMask(const InferenceContext& ctx, const std::vector<int64_t>& axes,
                                     int64_t rank);

// ------------------------------------------------------------ broadcasting

// Numpy-style multidirectional broadcasting of shapes; error names the node.
Expected<Shape> broadcastShapes(const InferenceContext& ctx,
                                const std::vector<const Shape*>& shapes);

// Output 0 is Gemm's [M, N] from A (input ai), B (bi) and the optional C
// (ci), with the transA/transB attributes; typed outDType.
Status inferGemmOf(InferenceContext& ctx, size_t ai, size_t bi, size_t ci, DType outDType);

// Output 0 is the concatenation of `inputs` along the axis attribute
// (Concat, and QLinearConcat's data operands).
Status inferConcatOf(InferenceContext& ctx, const std::vector<size_t>& inputs);

// Output 0 has input 0's type (unary elementwise ops).
Status inferSameAsInput0(InferenceContext& ctx);
// Output 0 has the broadcast of all present inputs' shapes; dtype of input 0
// (or `outDType` when not Undefined).
Status inferBroadcast(InferenceContext& ctx, DType outDType = DType::Undefined);
// Output 0 with `in`'s dtype and rank but unknown dims (or unknown rank).
Status sameRankUnknownDims(InferenceContext& ctx, const TensorType& in);

// --------------------------------------------------- constants and values

// The Constant node (ai.onnx) that produces input i, if any.
const Node* constantProducer(const InferenceContext& ctx, size_t i);
// Input i's data when it is an initializer or a Constant node's `value`, and
// valid with its bytes present; else nullptr.
TensorPtr constantTensor(const InferenceContext& ctx, size_t i);

// Contents of input i when it has a shape value whose every element is a
// known integer.
std::optional<std::vector<int64_t>> literalInts(const InferenceContext& ctx, size_t i);

// The length of input i when it is 1-D with a static size of at most
// kMaxRank: the rank that a shape operand of unknown contents describes.
std::optional<size_t> shapeOperandLength(const InferenceContext& ctx, size_t i);

// A target shape given as a shape value (Expand, ConstantOfShape, Resize
// sizes): literal sizes and named symbols stay, unknown elements become
// unknown dims. A negative size is an error worded "<negative> <value>".
Expected<Shape> shapeFromValue(const InferenceContext& ctx, const std::vector<Dim>& value,
                               const char* negative);

// Output 0 carries input 0's shape value (shape tensors passed through).
void forwardShapeValue(InferenceContext& ctx);

// Dim arithmetic used in shape propagation: known sizes multiply, anything
// symbolic gives an unknown dim.
Dim mulDims(const Dim& a, const Dim& b);

// Reads a shape value element as a plain Dim (literal >= 0 stays, a named
// symbol stays, anything else becomes unknown).
Dim shapeValueToDim(const Dim& v);

// ---------------------------------------------------------- sliding windows

// Bounds that keep the window arithmetic far from int64 overflow: larger
// attributes are rejected, larger input sizes give an unknown output size.
constexpr int64_t kMaxWindowAttr = int64_t{1} << 30;
constexpr int64_t kMaxWindowDim = int64_t{1} << 32;

// The sliding-window attributes of a conv or pool for `rank` spatial dims.
struct WindowAttrs {
  std::vector<int64_t> kernel;  // -1 where unknown
  std::vector<int64_t> strides, dilations;
  std::vector<int64_t> pads;  // begin[0..rank), end[0..rank)
  std::string autoPad;
  bool ceilMode = false;
};

// Reads strides, dilations, pads and auto_pad (defaults 1, 1, 0, NOTSET)
// into `w` and checks their lengths and ranges; VALID zeroes the pads. A
// kernel already in `w` (rank entries) is range-checked along with them.
Status readWindowAttrs(const InferenceContext& ctx, size_t rank, WindowAttrs& w);
// The same from the node alone (the interpreter's kernels read windows
// through it); the error names no node.
Status readWindowOperands(const Node& node, size_t rank, WindowAttrs& w);

// Output size of spatial dim i of a forward window; SAME_* pads so that
// out = ceil(in / stride). `window` names the extent in errors.
Expected<Dim> windowOutDim(const InferenceContext& ctx, const WindowAttrs& w, size_t i,
                           const Dim& in, const char* window);

// One dimension of a sliding window op (conv/pool): output size from input,
// kernel, stride, dilation and total padding; symbolic input gives unknown.
Dim windowOutputDim(const Dim& in, int64_t kernel, int64_t stride, int64_t dilation,
                    int64_t padBegin, int64_t padEnd, bool ceilMode);

}  // namespace nnport
