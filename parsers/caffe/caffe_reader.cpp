// Reading .prototxt and .caffemodel files (see caffe_reader.h).
#include "parsers/caffe/caffe_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include <climits>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "ir/tensor.h"

namespace nnport::caffe {
namespace {

// Keeps the first error as "file:line:col: message" (protobuf counts from 0).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  explicit FirstError(std::string file) : file_(std::move(file)) {}
  void AddError(int line, int column, const std::string& message) override {
    if (!has_) message_ = fmt::format("{}:{}:{}: {}", file_, line + 1, column + 1, message);
    has_ = true;
  }
  // Skipped unknown fields arrive as warnings; OpenCV's `ceil_mode` changes
  // the pooling output size, so it must not be skipped.
  void AddWarning(int line, int column, const std::string& message) override {
    if (!has_ && message.find("\"ceil_mode\"") != std::string::npos) {
      message_ = fmt::format(
          "{}:{}:{}: pooling_param.ceil_mode is OpenCV's field, not Caffe's; "
          "use round_mode: CEIL or FLOOR",
          file_, line + 1, column + 1);
      has_ = true;
    }
  }
  bool has() const { return has_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  bool has_ = false;
  std::string message_;
};

using V1 = caffepb::V1LayerParameter;

const std::unordered_map<int, const char*>& v1TypeNames() {
  static const std::unordered_map<int, const char*> names = {
      {V1::ABSVAL, "AbsVal"},
      {V1::ACCURACY, "Accuracy"},
      {V1::ARGMAX, "ArgMax"},
      {V1::BNLL, "BNLL"},
      {V1::CONCAT, "Concat"},
      {V1::CONTRASTIVE_LOSS, "ContrastiveLoss"},
      {V1::CONVOLUTION, "Convolution"},
      {V1::DATA, "Data"},
      {V1::DECONVOLUTION, "Deconvolution"},
      {V1::DROPOUT, "Dropout"},
      {V1::DUMMY_DATA, "DummyData"},
      {V1::EUCLIDEAN_LOSS, "EuclideanLoss"},
      {V1::ELTWISE, "Eltwise"},
      {V1::EXP, "Exp"},
      {V1::FLATTEN, "Flatten"},
      {V1::HDF5_DATA, "HDF5Data"},
      {V1::HDF5_OUTPUT, "HDF5Output"},
      {V1::HINGE_LOSS, "HingeLoss"},
      {V1::IM2COL, "Im2col"},
      {V1::IMAGE_DATA, "ImageData"},
      {V1::INFOGAIN_LOSS, "InfogainLoss"},
      {V1::INNER_PRODUCT, "InnerProduct"},
      {V1::LRN, "LRN"},
      {V1::MEMORY_DATA, "MemoryData"},
      {V1::MULTINOMIAL_LOGISTIC_LOSS, "MultinomialLogisticLoss"},
      {V1::MVN, "MVN"},
      {V1::POOLING, "Pooling"},
      {V1::POWER, "Power"},
      {V1::RELU, "ReLU"},
      {V1::SIGMOID, "Sigmoid"},
      {V1::SIGMOID_CROSS_ENTROPY_LOSS, "SigmoidCrossEntropyLoss"},
      {V1::SILENCE, "Silence"},
      {V1::SOFTMAX, "Softmax"},
      {V1::SOFTMAX_LOSS, "SoftmaxWithLoss"},
      {V1::SPLIT, "Split"},
      {V1::SLICE, "Slice"},
      {V1::TANH, "TanH"},
      {V1::WINDOW_DATA, "WindowData"},
      {V1::THRESHOLD, "Threshold"}};
  return names;
}

// Moves the parameter messages V1 and current layers share.
void moveParams(V1& from, caffepb::LayerParameter& to) {
#define NNP_MOVE_PARAM(field) \
  if (from.has_##field()) to.mutable_##field()->Swap(from.mutable_##field())
  NNP_MOVE_PARAM(concat_param);
  NNP_MOVE_PARAM(convolution_param);
  NNP_MOVE_PARAM(dropout_param);
  NNP_MOVE_PARAM(eltwise_param);
  NNP_MOVE_PARAM(inner_product_param);
  NNP_MOVE_PARAM(lrn_param);
  NNP_MOVE_PARAM(pooling_param);
  NNP_MOVE_PARAM(power_param);
  NNP_MOVE_PARAM(relu_param);
  NNP_MOVE_PARAM(softmax_param);
  NNP_MOVE_PARAM(slice_param);
#undef NNP_MOVE_PARAM
}

}  // namespace

Expected<std::unique_ptr<caffepb::NetParameter>> parsePrototxt(const std::string& text,
                                                               const std::string& file) {
  auto net = std::make_unique<caffepb::NetParameter>();
  FirstError errors(file);
  google::protobuf::TextFormat::Parser parser;
  parser.AllowUnknownField(true);
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, net.get()) || errors.has())
    return Status::invalid("{} (not a Caffe prototxt)",
                           errors.has() ? errors.message() : file + ": parse error");
  NNP_RETURN_IF_ERROR(upgradeV1Layers(*net, file));
  return net;
}

Expected<std::unique_ptr<caffepb::NetParameter>> readPrototxt(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io("{}: cannot open the prototxt", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return parsePrototxt(ss.str(), path);
}

Expected<std::unique_ptr<caffepb::NetParameter>> readCaffemodel(const std::string& path) {
  NNP_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::open(path));
  return parseCaffemodel(file->data(), file->size(), path);
}

Expected<std::unique_ptr<caffepb::NetParameter>> parseCaffemodel(const uint8_t* data, size_t size,
                                                                 const std::string& file) {
  if (size > static_cast<size_t>(INT_MAX))
    return Status::unsupported("{}: {} bytes; protobuf messages stop at 2 GB", file, size);
  google::protobuf::io::CodedInputStream in(data, static_cast<int>(size));
  in.SetTotalBytesLimit(INT_MAX);
  auto net = std::make_unique<caffepb::NetParameter>();
  if (!net->ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
    return Status::invalid("{}: not a Caffe caffemodel (truncated or corrupt protobuf, {} bytes)",
                           file, size);
  NNP_RETURN_IF_ERROR(upgradeV1Layers(*net, file));
  return net;
}

Status upgradeV1Layers(caffepb::NetParameter& net, const std::string& file) {
  if (net.layers_size() == 0) return Status::ok();
  if (net.layer_size() != 0)
    return Status::invalid("{}: the net mixes `layer` and old-style `layers` entries", file);
  for (V1& v1 : *net.mutable_layers()) {
    caffepb::LayerParameter& l = *net.add_layer();
    auto type = v1TypeNames().find(v1.type());
    if (type == v1TypeNames().end())
      return Status::unsupported(
          "{}: layer '{}': V1 layer type {} is not supported (V0 layers "
          "are not read)",
          file, v1.name(), static_cast<int>(v1.type()));
    l.set_name(v1.name());
    l.set_type(type->second);
    l.mutable_bottom()->Swap(v1.mutable_bottom());
    l.mutable_top()->Swap(v1.mutable_top());
    l.mutable_include()->Swap(v1.mutable_include());
    l.mutable_exclude()->Swap(v1.mutable_exclude());
    l.mutable_blobs()->Swap(v1.mutable_blobs());
    l.mutable_loss_weight()->Swap(v1.mutable_loss_weight());
    moveParams(v1, l);
  }
  net.clear_layers();
  return Status::ok();
}

}  // namespace nnport::caffe
