// NetBuilder and LayerContext (see caffe_builder.h): values, constants,
// nodes typed by shape inference as they are added, and trained blobs as
// tensors that share the caffemodel's memory.
#include "parsers/caffe/caffe_builder.h"

#include "ir/builder.h"
#include "ir/ops/registry.h"
#include "support/checked_math.h"
#include "support/memory_budget.h"

namespace nnport::caffe {
namespace {

// A blob's float data, borrowed from the parsed caffemodel it keeps alive.
class BlobBuffer final : public Buffer {
 public:
  BlobBuffer(std::shared_ptr<const caffepb::NetParameter> owner, const float* data, size_t n)
      : owner_(std::move(owner)), data_(data), size_(n * sizeof(float)) {}
  const uint8_t* data() const override { return reinterpret_cast<const uint8_t*>(data_); }
  size_t size() const override { return size_; }

 private:
  std::shared_ptr<const caffepb::NetParameter> owner_;
  const float* data_;
  size_t size_;
};

std::vector<int64_t> blobDims(const caffepb::BlobProto& b) {
  if (b.has_shape()) return {b.shape().dim().begin(), b.shape().dim().end()};
  return {b.num(), b.channels(), b.height(), b.width()};
}

std::string dimsStr(const std::vector<int64_t>& d) {
  return fmt::format("[{}]", fmt::join(d, ","));
}

// Inference multiplies and adds the input's sizes; a static result whose
// element count or byte size overflows would wrap in every later size
// computation, so it is refused where it first appears.
Status checkOutputSizes(const Node& n) {
  for (size_t i = 0; i < n.numOutputs(); ++i) {
    const Value* v = n.output(i);
    if (!v || !v->type.shape.rankKnown()) continue;
    if (static_cast<int64_t>(v->type.shape.rank()) > kMaxRank)
      return Status::invalid("output '{}' would have rank {}", v->name(), v->type.shape.rank());
    const auto sizes = v->type.shape.sizes();
    if (!sizes) continue;
    const auto count = checkedElementCount(*sizes);
    if (!count || !checkedBytes(*count, 64))
      return Status::invalid(
          "output '{}' would have shape {}, more elements than nnport can address", v->name(),
          v->type.shape.str());
  }
  return Status::ok();
}

}  // namespace

// ------------------------------------------------------------ NetBuilder

NetBuilder::NetBuilder(Model& m, std::string prototxt,
                       std::shared_ptr<const caffepb::NetParameter> weights)
    : model_(m), prototxt_(std::move(prototxt)), weights_(std::move(weights)) {
  if (weights_)
    for (const auto& l : weights_->layer())
      if (l.blobs_size() > 0) trainedByName_.emplace(l.name(), &l);
}

const caffepb::LayerParameter* NetBuilder::trained(const caffepb::LayerParameter& layer) const {
  auto it = trainedByName_.find(layer.name());
  if (it != trainedByName_.end()) return it->second;
  return layer.blobs_size() > 0 ? &layer : nullptr;
}

Value* NetBuilder::blob(const std::string& name) const {
  auto it = blobs_.find(name);
  return it == blobs_.end() ? nullptr : it->second;
}

std::string NetBuilder::topValueName(const std::string& top, const std::string& layer) const {
  std::string base = top;
  if (model_.graph.findValue(base)) base = top + "/" + layer;
  if (!model_.graph.findValue(base)) return base;
  // The search for a free "<base>_<k>" goes on where the last one for this
  // base stopped: thousands of layers sharing a name and an in-place top
  // would otherwise make it quadratic.
  int64_t& k = nextSuffix_[base];
  std::string n;
  do n = fmt::format("{}_{}", base, ++k);
  while (model_.graph.findValue(n));
  return n;
}

Status NetBuilder::reserve(uint64_t bytes, const std::string& what) {
  if (bytes > UINT64_MAX - reserved_) return MemoryBudget::over(UINT64_MAX, what);
  NNP_RETURN_IF_ERROR(MemoryBudget::check(reserved_ + bytes, what));
  reserved_ += bytes;
  return Status::ok();
}

Value* NetBuilder::constant(const std::string& name, TensorPtr data) {
  return graph().addInitializer(topValueName(name, "const"), std::move(data));
}

Value* NetBuilder::floats(const std::string& name, std::vector<int64_t> dims,
                          const std::vector<float>& v) {
  return constant(name, floatTensor(std::move(dims), v));
}

Value* NetBuilder::int64s(const std::string& name, const std::vector<int64_t>& v) {
  return constant(name, int64Vector(v));
}

Expected<std::vector<Value*>> NetBuilder::node(const std::string& op,
                                               const std::vector<Value*>& inputs,
                                               const std::vector<std::string>& outs,
                                               const std::string& nodeName,
                                               std::vector<Attribute> attrs) {
  Node* n = addNodeWith(graph(), op, inputs, outs, nodeName, std::move(attrs));
  const OpSchema* s = n->schema();
  if (!s || !s->infer) return Status::internal("{}: op {} has no shape inference", nodeName, op);
  static const std::unordered_map<const Value*, std::vector<Dim>> noShapeValues;
  InferenceContext ctx(*n, model_.opsetFor(""), noShapeValues);
  NNP_RETURN_IF_ERROR(s->infer(ctx));
  for (size_t i = 0; i < n->numOutputs(); ++i)
    if (ctx.outputs()[i] && n->output(i)) n->output(i)->type = *ctx.outputs()[i];
  NNP_RETURN_IF_ERROR(checkOutputSizes(*n));
  return n->outputs();
}

// ---------------------------------------------------------- LayerContext

std::string LayerContext::where() const {
  return fmt::format("{}: layer '{}' ({})", net.prototxt(), layer.name(), layer.type());
}

Expected<std::vector<int64_t>> LayerContext::dims(const Value* v) const {
  auto d = v->type.shape.sizes();
  if (!d)
    return Status::unsupported("{}: needs the static shape of '{}', which is {}", where(),
                               v->name(), v->type.str());
  return *d;
}

Status LayerContext::checkRange(const char* field, int64_t v, int64_t lo, int64_t hi) const {
  if (v < lo || v > hi)
    return Status::invalid("{}: {}={} is out of range [{}, {}]", where(), field, v, lo, hi);
  return Status::ok();
}

Expected<int64_t> LayerContext::mul(int64_t a, int64_t b, const char* what) const {
  auto r = checkedMul(a, b);
  if (!r) return Status::invalid("{}: {} overflows ({} x {})", where(), what, a, b);
  return *r;
}

Expected<int64_t> LayerContext::add(int64_t a, int64_t b, const char* what) const {
  auto r = checkedAdd(a, b);
  if (!r) return Status::invalid("{}: {} overflows ({} + {})", where(), what, a, b);
  return *r;
}

Expected<int64_t> LayerContext::axis(int64_t a, size_t rank, const char* what) const {
  const int64_t r = static_cast<int64_t>(rank);
  if (a < -r || a >= r)
    return Status::invalid("{}: {}={} is out of range for a rank-{} input", where(), what, a, r);
  return a < 0 ? a + r : a;
}

size_t LayerContext::numBlobs() const {
  const caffepb::LayerParameter* t = net.trained(layer);
  return t ? static_cast<size_t>(t->blobs_size()) : 0;
}

Expected<TensorPtr> LayerContext::blob(size_t i, const char* what) const {
  const caffepb::LayerParameter* t = net.trained(layer);
  if (!t || static_cast<int>(i) >= t->blobs_size())
    return Status::invalid(
        "{}: has no trained blob {} ({}): the caffemodel has {} blobs for "
        "this layer",
        where(), i, what, numBlobs());
  const caffepb::BlobProto& b = t->blobs(static_cast<int>(i));
  std::vector<int64_t> d = blobDims(b);
  if (static_cast<int64_t>(d.size()) > kMaxRank)
    return Status::invalid("{}: blob {} ({}) has rank {}", where(), i, what, d.size());
  const int64_t want = checkedElementCount(d).value_or(-1);
  if (b.data_size() > 0 && b.data_size() == want) {
    auto owner = t == &layer ? nullptr : net.weightsNet();
    if (owner)
      return std::make_shared<const Tensor>(
          DType::Float32, d, std::make_shared<BlobBuffer>(owner, b.data().data(), b.data_size()));
    return std::make_shared<const Tensor>(
        Tensor::copyOf(DType::Float32, d, b.data().data(), b.data_size() * sizeof(float)));
  }
  if (b.double_data_size() > 0 && b.double_data_size() == want) {
    std::vector<float> v(b.double_data().begin(), b.double_data().end());
    return std::make_shared<const Tensor>(Tensor::fromVector(DType::Float32, d, v));
  }
  return Status::invalid("{}: blob {} ({}) has shape {} but {} float and {} double values", where(),
                         i, what, dimsStr(d), b.data_size(), b.double_data_size());
}

Expected<TensorPtr> LayerContext::blob(size_t i, const std::vector<int64_t>& dims,
                                       const char* what) const {
  NNP_ASSIGN_OR_RETURN(TensorPtr t, blob(i, what));
  const auto need = checkedElementCount(dims);
  if (!need || checkedElementCount(t->dims()) != need)
    return Status::invalid("{}: blob {} ({}) has shape {}, the layer needs {}", where(), i, what,
                           dimsStr(t->dims()), dimsStr(dims));
  if (t->dims() == dims) return t;
  return std::make_shared<const Tensor>(t->dtype(), dims, t->buffer());
}

Expected<Value*> LayerContext::helper(const std::string& op, const std::string& part,
                                      const std::vector<Value*>& inputs,
                                      std::vector<Attribute> attrs) {
  const std::string n = net.topValueName(name(part), "");
  auto outs = net.node(op, inputs, {n}, n, std::move(attrs));
  if (!outs) return outs.status().withContext(where());
  return outs->front();
}

Expected<std::vector<Value*>> LayerContext::result(const std::string& op,
                                                   const std::vector<Value*>& inputs,
                                                   std::vector<Attribute> attrs) {
  std::vector<std::string> names;
  for (const auto& top : layer.top()) names.push_back(net.topValueName(top, layer.name()));
  auto outs = net.node(op, inputs, names, layer.name(), std::move(attrs));
  if (!outs) return outs.status().withContext(where());
  for (int i = 0; i < layer.top_size(); ++i)
    net.setBlob(layer.top(i), (*outs)[static_cast<size_t>(i)]);
  return outs;
}

Expected<Value*> LayerContext::asTop(Value* v, size_t i) {
  const std::string& top = layer.top(static_cast<int>(i));
  const std::string n = net.topValueName(top, layer.name());
  const std::string nodeName = layer.top_size() == 1 ? layer.name() : name(top);
  auto outs = net.node("Identity", {v}, {n}, nodeName, {});
  if (!outs) return outs.status();
  net.setBlob(top, outs->front());
  return outs->front();
}

}  // namespace nnport::caffe
