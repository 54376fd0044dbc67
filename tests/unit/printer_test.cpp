// The text form of the IR (ir/printer.h): golden strings for tiny graphs.
#include <catch2/catch.hpp>

#include "ir/graph.h"
#include "ir/printer.h"

using namespace nnport;

namespace {

TensorType f32(std::vector<Dim> dims) {
  return {DType::Float32, Shape(std::move(dims))};
}

template <typename T>
TensorPtr tensor(DType t, std::vector<int64_t> dims, const std::vector<T>& v) {
  return std::make_shared<Tensor>(Tensor::fromVector(t, std::move(dims), v));
}

}  // namespace

TEST_CASE("printer: a small CNN in topological order", "[printer]") {
  Model m;
  m.irVersion = 8;
  m.producerName = "pytorch";
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  g.name = "torch_jit";
  const Dim batch = Dim::symbolic("batch");
  Value* input = g.addInput("input", f32({batch, 3, 8, 8}));
  Value* weight = g.addInitializer("conv1.weight",
                                   tensor(DType::Float32, {4, 3, 3, 3}, std::vector<float>(108)));
  Value* bias = g.addInitializer("conv1.bias",
                                 tensor(DType::Float32, {4}, std::vector<float>{0, 0.5f, -1, 2}));
  Value* shape = g.addInitializer("shape", tensor(DType::Int64, {2}, std::vector<int64_t>{1, -1}));

  // Inserted first, wired to a later node's output: printed after it.
  Node* flatten = g.addNode("Reshape", "", {nullptr, shape}, {"output"}, "/flatten");
  flatten->output()->type = f32({batch, 128});

  Node* conv = g.addNode("Conv", "", {input, weight, bias}, {"x1"}, "/conv1/Conv");
  conv->attrs.set(Attribute::ofInts("dilations", {1, 1}));
  conv->attrs.set(Attribute::ofInt("group", 1));
  conv->attrs.set(Attribute::ofInts("kernel_shape", {3, 3}));
  conv->attrs.set(Attribute::ofInts("pads", {1, 1, 1, 1}));
  conv->attrs.set(Attribute::ofInts("strides", {1, 1}));
  conv->output()->type = f32({batch, 4, 8, 8});

  Node* split = g.addNode("Split", "", {conv->output()}, {"a", "b"});
  split->attrs.set(Attribute::ofInt("axis", 1));
  split->output(0)->type = f32({batch, 2, 8, 8});
  split->output(1)->type = f32({batch, 2, 8, 8});
  flatten->setInput(0, split->output(1));

  Node* custom =
      g.addNode("Mystery", "com.example", {split->output(0), nullptr, split->output(1)}, {"q", ""});
  custom->addCapture(shape);
  Attribute body;
  body.name = "body";
  body.kind = AttrKind::Graph;
  body.opaque = {std::string("\x0a\x03\x00\xff\x01", 5)};
  custom->attrs.set(body);
  custom->attrs.set(Attribute::ofFloat("alpha", 0.5f));
  Attribute names;
  names.name = "names";
  names.kind = AttrKind::Strings;
  names.strings = {"ok", "\xff"};
  custom->attrs.set(names);
  custom->output(0)->type = {DType::UInt8, Shape({batch, 2})};
  custom->output(0)->quant = QuantParams{{0.5f}, {128}, -1, DType::UInt8};

  g.setOutputs({flatten->output(), custom->output(0)});

  const std::string expected =
      "model ir_version=8 producer=\"pytorch\" opsets=[ai.onnx:13]\n"
      "graph torch_jit (%input: f32[batch,3,8,8]) -> (%output: f32[batch,128], "
      "%q: u8[batch,2] quant(scale=0.5, zp=128)) {\n"
      "  %conv1.weight = const f32[4,3,3,3]\n"
      "  %conv1.bias = const f32[4] [0.0,0.5,-1.0,2.0]\n"
      "  %shape = const i64[2] [1,-1]\n"
      "  %x1 = Conv(%input, %conv1.weight, %conv1.bias) {dilations=[1,1], group=1, "
      "kernel_shape=[3,3], pads=[1,1,1,1], strides=[1,1]} : f32[batch,4,8,8]  # /conv1/Conv\n"
      "  %a, %b = Split(%x1) {axis=1} : f32[batch,2,8,8], f32[batch,2,8,8]\n"
      "  %output = Reshape(%b, %shape) : f32[batch,128]  # /flatten\n"
      "  %q, _ = com.example::Mystery(%a, _, %b) captures(%shape) {body=<graph 5 bytes>, "
      "alpha=0.5, names=[\"ok\",\"\\xff\"]} : u8[batch,2] quant(scale=0.5, zp=128), _\n"
      "}\n";
  CHECK(printModel(m) == expected);
  CHECK(printModel(m) == printModel(m));
}

TEST_CASE("printer: quoting, inline constants, per-axis quant and cycles", "[printer]") {
  Graph g;
  g.name = "odd graph";
  Value* x = g.addInput("onnx::x_1", {DType::Float32, Shape::unknownRank()});
  g.addInitializer("h", tensor(DType::Float16, {2}, std::vector<uint16_t>{0x3c00, 0xc000}));
  g.addInitializer("flags", tensor(DType::Bool, {3}, std::vector<uint8_t>{1, 0, 1}));
  g.addInitializer("labels", std::make_shared<Tensor>(Tensor::ofStrings({2}, {"a\"b", "\xff"})));
  Value* wq =
      g.addInitializer("wq", tensor(DType::Int8, {2, 2}, std::vector<int8_t>{1, -2, 3, -4}));
  wq->quant = QuantParams{{0.25f, 0.5f}, {0, 0}, 0, DType::Int8};
  g.addInitializer("eps", tensor(DType::Float32, {}, std::vector<float>{1e-5f}));

  Node* first = g.addNode("Neg", "", {x}, {"p"}, "first");
  Node* second = g.addNode("Neg", "", {first->output()}, {"q"}, "second");
  first->setInput(0, second->output());  // a cycle: insertion order is kept
  std::vector<int64_t> longList(40);
  for (int64_t i = 0; i < 40; ++i) longList[i] = i;
  first->attrs.set(Attribute::ofInts("long", longList));
  Attribute ref;
  ref.name = "alpha";
  ref.kind = AttrKind::Float;
  ref.refAttrName = "outer";
  first->attrs.set(ref);
  first->attrs.set(Attribute::ofTensor("t", tensor(DType::Int64, {2}, std::vector<int64_t>{7, 8})));
  first->output()->type = {DType::Float32, Shape::unknownRank()};
  second->output()->type = {DType::Float32, Shape::unknownRank()};
  g.setOutputs({second->output()});

  std::string longText = "[";
  for (int i = 0; i < 32; ++i) longText += (i ? "," : "") + std::to_string(i);
  longText += ",... (40 items)]";
  const std::string expected =
      "graph \"odd graph\" (%\"onnx::x_1\": f32[*]) -> (%q: f32[*]) {\n"
      "  %h = const f16[2] [1.0,-2.0]\n"
      "  %flags = const bool[3] [true,false,true]\n"
      "  %labels = const string[2] [\"a\\\"b\",\"\\xff\"]\n"
      "  %wq = const i8[2,2] quant(scale=[0.25,0.5], zp=[0,0], axis=0) [1,-2,3,-4]\n"
      "  %eps = const f32[] [1e-05]\n"
      "  %p = Neg(%q) {long=" +
      longText +
      ", alpha=@outer, t=tensor i64[2] [7,8]} : f32[*]  # first\n"
      "  %q = Neg(%p) : f32[*]  # second\n"
      "}\n";
  CHECK(printGraph(g) == expected);
}
