// The Darknet parser: the cfg reader, the weights header versions, Darknet's
// maxpool padding rule (geometry, and values against Darknet's own loop run
// through the interpreter), head outputs, and the CLI errors for bad cfgs
// and weights files (see bad_input_harness.h for the checks of every failing run).
#include <cmath>
#include <cstring>
#include <limits>

#include "exec/executor.h"
#include "parsers/darknet/darknet_builder.h"
#include "parsers/registry.h"
#include "tests/unit/bad_input_harness.h"

using namespace nnport;
using namespace nnport::darknet;

namespace {

constexpr int kInvalid = 3, kUnsupported = 4;

std::string weightsBytes(std::vector<float> params, int32_t major = 0, int32_t minor = 2) {
  std::string s(12, '\0');
  const int32_t header[3] = {major, minor, 0};
  std::memcpy(s.data(), header, 12);
  const bool seen64 = major * 10 + minor >= 2 && major < 1000 && minor < 1000;
  s += std::string(seen64 ? 8 : 4, '\x07');
  s.append(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float));
  return s;
}

std::vector<float> ramp(size_t n, float scale = 0.01f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>((i * 7) % 13) + 0.5f;
  return v;
}

const char* kSmallConvCfg =
    "[net]\nwidth=6\nheight=6\nchannels=1\n\n"
    "[convolutional]\nbatch_normalize=1\nfilters=2\nsize=3\npad=1\nactivation=leaky\n";
constexpr size_t kSmallConvFloats = 2 * 4 + 2 * 1 * 3 * 3;  // biases, scale, mean, var, kernel

struct Files {
  badinput::fs::path cfg, weights;
};

Files writePair(const badinput::Workspace& ws, const std::string& cfg, const std::string& weights) {
  Files f{ws.in() / "net.cfg", ws.in() / "net.weights"};
  badinput::writeFile(f.cfg, cfg);
  badinput::writeFile(f.weights, weights);
  return f;
}

Expected<std::unique_ptr<Model>> parse(const Files& f) {
  ParseRequest req;
  req.network = f.cfg.string();
  req.weights = f.weights.string();
  return ParserRegistry::instance().find("darknet")->parse(req);
}

CfgSection onlySection(const std::string& text) {
  auto s = parseCfg(text, "t.cfg");
  REQUIRE(s.hasValue());
  REQUIRE(s->size() == 1);
  return s->front();
}

}  // namespace

TEST_CASE("darknet cfg reader: sections, options, comments", "[darknet]") {
  auto s = parseCfg(
      "# leading comment\n[net]\n width = 416 \nheight=32\n; other comment\n\n"
      "[convolutional]\nsize=3 # trailing\nlayers=-1, 4\nsize=5\n",
      "t.cfg");
  REQUIRE(s.hasValue());
  REQUIRE(s->size() == 2);
  CHECK((*s)[0].type == "net");
  CHECK((*s)[0].line == 2);
  CHECK((*s)[0].getInt("width", 0).value() == 416);
  CHECK((*s)[1].type == "convolutional");
  CHECK((*s)[1].index == 1);
  CHECK((*s)[1].getInt("size", 1).value() == 5);  // the last assignment wins
  CHECK((*s)[1].getInts("layers").value() == std::vector<int64_t>{-1, 4});
  CHECK((*s)[1].getInt("stride", 7).value() == 7);
  CHECK((*s)[1].where() == "t.cfg: section 1 [convolutional] (line 7)");
}

TEST_CASE("darknet cfg reader: malformed text and values name the line", "[darknet]") {
  auto noSection = parseCfg("width=3\n[net]\n", "t.cfg");
  REQUIRE_FALSE(noSection.hasValue());
  CHECK(noSection.status().message().find("t.cfg: line 1") != std::string::npos);
  auto noEquals = parseCfg("[net]\nwidth\n", "t.cfg");
  REQUIRE_FALSE(noEquals.hasValue());
  CHECK(noEquals.status().message().find("line 2") != std::string::npos);
  CHECK_FALSE(parseCfg("[net\nwidth=1\n", "t.cfg").hasValue());
  CHECK_FALSE(parseCfg("# only a comment\n", "t.cfg").hasValue());

  const CfgSection s = onlySection("[maxpool]\nsize=two\nlayers=1,x\nscale=0.5f\n");
  auto size = s.getInt("size", 1);
  REQUIRE_FALSE(size.hasValue());
  CHECK(size.status().code() == ErrorCode::InvalidInput);
  CHECK(size.status().message().find("line 2: 'size=two'") != std::string::npos);
  CHECK_FALSE(s.getInts("layers").hasValue());
  CHECK_FALSE(s.getFloat("scale", 1.f).hasValue());
  CHECK(s.requireDefault("dilation", 1).isOk());
}

TEST_CASE("darknet weights header: seen is 64-bit from version 0.2", "[darknet]") {
  auto header = [](int32_t major, int32_t minor, uint64_t seen, size_t seenBytes) {
    std::string b(12 + seenBytes, '\0');
    const int32_t v[3] = {major, minor, 5};
    std::memcpy(b.data(), v, 12);
    std::memcpy(b.data() + 12, &seen, seenBytes);
    return parseWeightsHeader(reinterpret_cast<const uint8_t*>(b.data()), b.size(), "w");
  };
  auto v010 = header(0, 1, 1234, 4);
  REQUIRE(v010.hasValue());
  CHECK(v010->size == 16);
  CHECK(v010->seen == 1234);
  auto v020 = header(0, 2, 0x100000002ull, 8);
  REQUIRE(v020.hasValue());
  CHECK(v020->size == 20);
  CHECK(v020->seen == 0x100000002ull);
  CHECK(v020->revision == 5);
  CHECK_FALSE(v020->transposed);
  auto v100 = header(1, 0, 9, 8);
  REQUIRE(v100.hasValue());
  CHECK(v100->size == 20);
  // Versions past 1000 mark transposed connected weights, with a 32-bit seen.
  auto transposed = header(1001, 0, 3, 4);
  REQUIRE(transposed.hasValue());
  CHECK(transposed->size == 16);
  CHECK(transposed->transposed);
  // 0.2 needs 20 bytes: 16 is too short.
  CHECK_FALSE(header(0, 2, 0, 4).hasValue());
  CHECK_FALSE(parseWeightsHeader(reinterpret_cast<const uint8_t*>("abc"), 3, "w").hasValue());
}

TEST_CASE("darknet maxpool geometry: padding size-1, extra on the right", "[darknet]") {
  auto geometry = [](const std::string& options, int64_t h, int64_t w) {
    return maxPoolGeometry(onlySection("[maxpool]\n" + options), h, w);
  };
  auto g = geometry("size=2\nstride=2\n", 5, 5);  // padding 1: 0 left, 1 right
  REQUIRE(g.hasValue());
  CHECK((g->padBegin == 0 && g->padEnd == 1 && g->outH == 3 && g->outW == 3));
  g = geometry("size=2\nstride=1\n", 13, 13);  // tiny-YOLO: size kept
  REQUIRE(g.hasValue());
  CHECK((g->padBegin == 0 && g->padEnd == 1 && g->outH == 13));
  g = geometry("size=3\nstride=2\n", 3, 4);  // padding 2: 1 each side
  REQUIRE(g.hasValue());
  CHECK((g->padBegin == 1 && g->padEnd == 1 && g->outH == 2 && g->outW == 2));
  g = geometry("size=2\nstride=2\npadding=0\n", 5, 5);
  REQUIRE(g.hasValue());
  CHECK((g->padEnd == 0 && g->outH == 2));
  g = geometry("stride=2\n", 6, 6);  // size defaults to stride
  REQUIRE(g.hasValue());
  CHECK((g->size == 2 && g->outH == 3));
  CHECK(geometry("size=2\nstride=2\npadding=4\n", 5, 5).status().code() == ErrorCode::Unsupported);
}

// Darknet's forward maxpool, written from its definition: windows start at
// -padding/2 and cells outside the input never win.
static std::vector<float> darknetMaxpool(const std::vector<float>& in, int64_t h, int64_t w,
                                         const MaxPoolGeometry& g) {
  const int64_t offset = -((g.padBegin + g.padEnd) / 2);
  std::vector<float> out;
  for (int64_t i = 0; i < g.outH; ++i)
    for (int64_t j = 0; j < g.outW; ++j) {
      float best = -std::numeric_limits<float>::max();
      for (int64_t n = 0; n < g.size; ++n)
        for (int64_t m = 0; m < g.size; ++m) {
          const int64_t y = offset + i * g.stride + n, x = offset + j * g.stride + m;
          if (y >= 0 && y < h && x >= 0 && x < w) best = std::max(best, in[y * w + x]);
        }
      out.push_back(best);
    }
  return out;
}

TEST_CASE("darknet maxpool values match Darknet's loop", "[darknet]") {
  const int64_t h = 5, w = 7;
  std::vector<float> x(static_cast<size_t>(h * w));
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i) * 1.7f);
  for (const std::string opts : {"size=2\nstride=2\n", "size=2\nstride=1\n", "size=3\nstride=2\n",
                                 "size=3\nstride=1\npadding=1\n", "size=5\nstride=3\n"}) {
    INFO(opts);
    badinput::Workspace ws;
    const std::string cfg =
        fmt::format("[net]\nwidth={}\nheight={}\nchannels=1\n[maxpool]\n{}", w, h, opts);
    auto m = parse(writePair(ws, cfg, weightsBytes({})));
    REQUIRE(m.hasValue());
    auto exec = exec::Executor::create(**m, {exec::KernelSet::Reference, 1});
    REQUIRE(exec.hasValue());
    exec::RtTensor in = exec::RtTensor::allocate(DType::Float32, {1, 1, h, w});
    std::copy(x.begin(), x.end(), in.data<float>());
    auto outs = (*exec)->run({{"input", in}});
    REQUIRE(outs.hasValue());
    auto g = maxPoolGeometry(onlySection("[maxpool]\n" + opts), h, w);
    REQUIRE(g.hasValue());
    const std::vector<float> want = darknetMaxpool(x, h, w, *g);
    const exec::RtTensor& got = outs->front().second;
    CHECK(got.dims() == std::vector<int64_t>{1, 1, g->outH, g->outW});
    REQUIRE(got.numElements() == static_cast<int64_t>(want.size()));
    for (size_t i = 0; i < want.size(); ++i) CHECK(got.data<float>()[i] == want[i]);
  }
}

TEST_CASE("darknet heads: the head's input is a graph output with its options", "[darknet]") {
  badinput::Workspace ws;
  const std::string cfg = std::string(kSmallConvCfg) +
                          "[convolutional]\nfilters=7\nsize=1\nactivation=linear\n"
                          "[yolo]\nmask=0\nanchors=10,14,23,27\nclasses=2\nnum=2\n"
                          "[route]\nlayers=-3\n";
  auto m = parse(writePair(ws, cfg, weightsBytes(ramp(kSmallConvFloats + 7 + 7 * 2))));
  REQUIRE(m.hasValue());
  const Graph& g = (*m)->graph;
  REQUIRE(g.outputs().size() == 2);
  CHECK(g.outputs()[0]->name() == "conv_1");
  CHECK(g.outputs()[0]->docString.find("[yolo] layer 2") != std::string::npos);
  CHECK(g.outputs()[0]->docString.find("anchors=10,14,23,27") != std::string::npos);
  CHECK(g.outputs()[1]->name() == "conv_0");  // the route of layer 0 ends the net
  CHECK(g.outputs()[0]->type.str() == "f32[N,7,6,6]");
  bool found = false;
  for (const auto& [k, v] : (*m)->metadata) found |= k == "darknet:yolo:2";
  CHECK(found);
}

// ------------------------------------------------------------- CLI errors

namespace {

void checkDarknetFails(const badinput::Workspace& ws, const Files& f,
                       const badinput::Expectation& e) {
  const badinput::fs::path output = ws.out() / "out.onnx";
  badinput::checkFailingRun(ws,
                            {"convert", "-sf", "darknet", "-in", f.cfg.string(), "-iw",
                             f.weights.string(), output.string()},
                            output, e);
}

}  // namespace

TEST_CASE("darknet: a valid pair converts (control for the error cases)", "[darknet][bad-input]") {
  badinput::Workspace ws;
  const Files f = writePair(ws, kSmallConvCfg, weightsBytes(ramp(kSmallConvFloats)));
  const badinput::fs::path output = ws.out() / "out.onnx";
  const auto r = badinput::runNnport(ws, {"convert", "-sf", "darknet", "-in", f.cfg.string(), "-iw",
                                          f.weights.string(), output.string()});
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  CHECK(badinput::filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
}

TEST_CASE("darknet: unknown section type", "[darknet][bad-input]") {
  badinput::Workspace ws;
  const std::string cfg = std::string(kSmallConvCfg) + "\n[frobnicate]\nsize=2\n";
  const Files f = writePair(ws, cfg, weightsBytes(ramp(kSmallConvFloats)));
  checkDarknetFails(ws, f, {kInvalid, {f.cfg.string(), "section 2", "line 13", "[frobnicate]"}});
}

TEST_CASE("darknet: weights file too short or too long", "[darknet][bad-input]") {
  badinput::Workspace ws;
  SECTION("too short: names the layer it cannot feed") {
    const Files f = writePair(ws, kSmallConvCfg, weightsBytes(ramp(kSmallConvFloats - 1)));
    checkDarknetFails(
        ws, f,
        {kInvalid, {f.weights.string(), "too short", "layer 0 [convolutional]", "kernel weights"}});
  }
  SECTION("too long: names the last layer with weights") {
    const Files f = writePair(ws, kSmallConvCfg, weightsBytes(ramp(kSmallConvFloats + 3)));
    checkDarknetFails(
        ws, f, {kInvalid, {f.weights.string(), "too long", "12 bytes", "layer 0 [convolutional]"}});
  }
  SECTION("header only") {
    const Files f = writePair(ws, kSmallConvCfg, weightsBytes({}).substr(0, 10));
    checkDarknetFails(ws, f, {kInvalid, {f.weights.string()}});
  }
  SECTION("a 0.1 header read as 0.2 would leave 4 bytes over") {
    const Files f = writePair(ws, kSmallConvCfg, weightsBytes(ramp(kSmallConvFloats), 0, 1));
    const auto r =
        badinput::runNnport(ws, {"convert", "-sf", "darknet", "-in", f.cfg.string(), "-iw",
                                 f.weights.string(), (ws.out() / "out.onnx").string()});
    CHECK(r.exitCode == 0);
  }
}

TEST_CASE("darknet: invalid and unsupported layers", "[darknet][bad-input]") {
  badinput::Workspace ws;
  SECTION("route to a later layer") {
    const Files f = writePair(ws, std::string(kSmallConvCfg) + "[route]\nlayers=5\n",
                              weightsBytes(ramp(kSmallConvFloats)));
    checkDarknetFails(ws, f, {kInvalid, {"section 2 [route]", "layers=5"}});
  }
  SECTION("an activation nnport does not know") {
    const Files f =
        writePair(ws, "[net]\nwidth=4\nheight=4\nchannels=1\n[convolutional]\nactivation=ramp\n",
                  weightsBytes(ramp(2)));
    checkDarknetFails(ws, f, {kUnsupported, {"section 1 [convolutional]", "'ramp'"}});
  }
  SECTION("a layer reading a yolo head's output") {
    const std::string cfg = std::string(kSmallConvCfg) +
                            "[convolutional]\nfilters=6\nsize=1\nactivation=linear\n"
                            "[yolo]\nmask=0\nclasses=1\nnum=1\n[maxpool]\nsize=2\nstride=2\n";
    const Files f = writePair(ws, cfg, weightsBytes(ramp(kSmallConvFloats + 6 + 12)));
    checkDarknetFails(ws, f, {kUnsupported, {"section 4 [maxpool]", "head"}});
  }
  SECTION("a cfg that does not start with [net]") {
    const Files f = writePair(ws, "[convolutional]\nfilters=1\n", weightsBytes({}));
    checkDarknetFails(ws, f, {kInvalid, {f.cfg.string(), "[net]"}});
  }
}
