// Hostile Darknet inputs through the real CLI, one minimized pair per class
// a mutation fuzzer found (size arithmetic that overflowed or divided by
// zero, huge windows reported as internal errors, allocations the cfg sizes):
// each must be a one-line error naming the file and the layer, with exit 3
// (or 7 where the memory budget stops it), no signal and no output. The
// controls convert valid pairs, so a parser that refused everything fails.
#include <cstring>

#include "parsers/registry.h"
#include "tests/unit/bad_input_harness.h"

using namespace nnport;

namespace {

constexpr int kInvalid = 3, kOverBudget = 7;

// A .weights file: header version major.minor.0, "seen", then the floats.
std::string weightsBytes(const std::vector<float>& params, int32_t major = 0, int32_t minor = 2) {
  std::string s(12, '\0');
  const int32_t header[3] = {major, minor, 0};
  std::memcpy(s.data(), header, 12);
  const int64_t version = int64_t{major} * 10 + minor;
  const bool seen64 = version >= 2 && major < 1000 && minor < 1000;
  s += std::string(seen64 ? 8 : 4, '\0');
  s.append(reinterpret_cast<const char*>(params.data()), params.size() * sizeof(float));
  return s;
}

std::vector<float> ramp(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = 0.25f * static_cast<float>(i % 17) - 1.f;
  return v;
}

struct Files {
  badinput::fs::path cfg, weights;
};

Files writePair(const badinput::Workspace& ws, const std::string& cfg, const std::string& weights) {
  Files f{ws.in() / "hostile.cfg", ws.in() / "hostile.weights"};
  badinput::writeFile(f.cfg, cfg);
  badinput::writeFile(f.weights, weights);
  return f;
}

std::vector<std::string> convertArgs(const badinput::Workspace& ws, const Files& f) {
  return {"convert",      "-sf", "darknet",          "-in",
          f.cfg.string(), "-iw", f.weights.string(), (ws.out() / "out.onnx").string()};
}

void checkFails(const badinput::Workspace& ws, const Files& f, const badinput::Expectation& e,
                const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = convertArgs(ws, f);
  args.insert(args.end(), extra.begin(), extra.end());
  badinput::checkFailingRun(ws, args, ws.out() / "out.onnx", e);
}

// A cfg that fails, naming the cfg; `params` feed the layers before the failing one.
void checkCfgFails(const std::string& cfg, const std::vector<std::string>& mentions,
                   const std::vector<float>& params = {}) {
  badinput::Workspace ws;
  const Files f = writePair(ws, cfg, weightsBytes(params));
  std::vector<std::string> all = {f.cfg.string()};
  all.insert(all.end(), mentions.begin(), mentions.end());
  checkFails(ws, f, {kInvalid, all});
}

void checkConverts(const std::string& cfg, const std::string& weights) {
  badinput::Workspace ws;
  const Files f = writePair(ws, cfg, weights);
  const auto r = badinput::runNnport(ws, convertArgs(ws, f));
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  CHECK(badinput::filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
}

const std::string kNet4x4 = "[net]\nwidth=4\nheight=4\nchannels=2\n";

}  // namespace

TEST_CASE("darknet hostile: valid pairs convert (controls)", "[bad-input][darknet]") {
  SECTION("upsample, shortcut, reorg, route and a yolo head") {
    // conv 0: 2 -> 4 channels (1x1): biases 4 + kernel 8.
    const std::string cfg = kNet4x4 +
                            "[convolutional]\nfilters=4\nsize=1\nactivation=leaky\n"
                            "[maxpool]\nsize=2\nstride=2\n[upsample]\nstride=2\n"
                            "[shortcut]\nfrom=-3\n[reorg]\nstride=2\n[route]\nlayers=-1\n"
                            "[yolo]\nmask=0,1\nanchors=1,2,3,4,5,6\nclasses=3\nnum=3\n";
    checkConverts(cfg, weightsBytes(ramp(4 + 8)));
  }
  SECTION("region and detection heads") {
    checkConverts(kNet4x4 + "[convolutional]\nfilters=14\nsize=1\n[region]\nclasses=2\nnum=2\n",
                  weightsBytes(ramp(14 + 28)));
    checkConverts(kNet4x4 + "[connected]\noutput=12\n[detection]\nside=2\nclasses=1\ncoords=1\n",
                  weightsBytes(ramp(12 + 12 * 32)));
  }
}

// Versions past 1000 store connected weights [inputs][outputs]; the graph's
// Gemm takes them [outputs][inputs].
TEST_CASE("darknet hostile: transposed connected weights (control)", "[bad-input][darknet]") {
  badinput::Workspace ws;
  const int64_t inputs = 2 * 4 * 4, outputs = 3;
  const std::vector<float> params = ramp(static_cast<size_t>(outputs + inputs * outputs));
  const Files f = writePair(ws, kNet4x4 + "[connected]\noutput=3\nactivation=linear\n",
                            weightsBytes(params, 1001, 0));
  ParseRequest req;
  req.network = f.cfg.string();
  req.weights = f.weights.string();
  auto m = ParserRegistry::instance().find("darknet")->parse(req);
  REQUIRE(m.hasValue());
  const Value* w = (*m)->graph.findValue("connected_0/weights");
  REQUIRE(w != nullptr);
  REQUIRE(w->initializer()->dims() == std::vector<int64_t>{outputs, inputs});
  const float* got = w->initializer()->data<float>();
  for (int64_t i = 0; i < inputs; ++i)
    for (int64_t o = 0; o < outputs; ++o)
      CHECK(got[o * inputs + i] == params[static_cast<size_t>(outputs + i * outputs + o)]);
  checkConverts(kNet4x4 + "[connected]\noutput=3\nactivation=linear\n",
                weightsBytes(params, 1001, 0));
}

TEST_CASE("darknet hostile: [connected] sizes", "[bad-input][darknet]") {
  SECTION("an input of 2^62 values is refused at [net], not multiplied by output") {
    // The transposed reader used to allocate inputs x outputs wrapped to 0
    // floats and write 2^62 x 4 of them.
    badinput::Workspace ws;
    const Files f = writePair(
        ws, "[net]\nwidth=2097152\nheight=2097152\nchannels=1048576\n[connected]\noutput=4\n",
        weightsBytes(ramp(4), 1001, 0));
    checkFails(ws, f, {kInvalid, {f.cfg.string(), "section 0 [net]", "2147483647"}});
  }
  SECTION("output past the range") {
    checkCfgFails(kNet4x4 + "[connected]\noutput=4611686018427387905\n",
                  {"section 1 [connected]", "output=4611686018427387905", "out of range"});
  }
  SECTION("inputs x outputs past what the weights file holds") {
    badinput::Workspace ws;
    const Files f =
        writePair(ws, "[net]\nwidth=46340\nheight=46340\nchannels=1\n[connected]\noutput=65536\n",
                  weightsBytes(ramp(65536), 1001, 0));
    checkFails(ws, f, {kInvalid, {f.weights.string(), "too short", "layer 0 [connected]"}});
  }
}

TEST_CASE("darknet hostile: strides whose arithmetic wrapped", "[bad-input][darknet]") {
  SECTION("[reorg] stride whose square is 2^64") {
    checkCfgFails(kNet4x4 + "[reorg]\nstride=4294967296\n",
                  {"section 1 [reorg]", "stride=4294967296", "out of range"});
  }
  SECTION("[reorg] stride larger than the input") {
    checkCfgFails(kNet4x4 + "[reorg]\nstride=8\n", {"section 1 [reorg]", "stride 8"});
  }
  SECTION("[upsample] stride that wrapped the size to 0 before [shortcut] divided by it") {
    checkCfgFails(kNet4x4 +
                      "[maxpool]\nsize=1\n[upsample]\nstride=4611686018427387904\n"
                      "[shortcut]\nfrom=-2\n",
                  {"section 2 [upsample]", "stride=4611686018427387904", "out of range"});
  }
  SECTION("[upsample] stride in range, output past a layer's size") {
    checkCfgFails(kNet4x4 +
                      "[maxpool]\nsize=1\n[upsample]\nstride=1073741824\n"
                      "[shortcut]\nfrom=-2\n",
                  {"section 2 [upsample]", "2147483647"});
  }
}

TEST_CASE("darknet hostile: huge windows are invalid input, not internal errors",
          "[bad-input][darknet]") {
  SECTION("[maxpool] stride 2^40") {
    checkCfgFails(kNet4x4 + "[maxpool]\nsize=2\nstride=1099511627776\n",
                  {"section 1 [maxpool]", "stride=1099511627776", "out of range"});
  }
  SECTION("[maxpool] size in range but larger than the input") {
    checkCfgFails(kNet4x4 + "[maxpool]\nsize=1073741824\nstride=1\npadding=0\n",
                  {"section 1 [maxpool]", "does not fit"});
  }
  SECTION("[convolutional] size 2^31 with pad") {
    checkCfgFails(kNet4x4 + "[convolutional]\nsize=2147483648\npad=1\n",
                  {"section 1 [convolutional]", "size=2147483648"});
  }
  SECTION("[convolutional] huge padding grows the output past a layer's size") {
    checkCfgFails(kNet4x4 + "[convolutional]\nfilters=1024\nsize=1\npadding=1073741824\n",
                  {"section 1 [convolutional]", "2147483647"});
  }
  SECTION("[net] width past 2^32") {
    checkCfgFails("[net]\nwidth=8589934592\nheight=1\nchannels=1\n[maxpool]\nsize=1\n",
                  {"section 0 [net]", "width=8589934592"});
  }
  SECTION("[net] negative height") {
    checkCfgFails("[net]\nwidth=4\nheight=-4\nchannels=1\n[maxpool]\nsize=1\n",
                  {"section 0 [net]", "height=-4"});
  }
}

TEST_CASE("darknet hostile: heads and references", "[bad-input][darknet]") {
  const std::string conv = kNet4x4 + "[convolutional]\nfilters=12\nsize=1\n";
  const std::vector<float> convParams = ramp(12 + 12 * 2);
  SECTION("[yolo] classes whose channel count overflows") {
    checkCfgFails(conv + "[yolo]\nmask=0\nclasses=9223372036854775806\nnum=1\n",
                  {"section 2 [yolo]", "classes=9223372036854775806"}, convParams);
  }
  SECTION("[yolo] mask past num") {
    checkCfgFails(conv + "[yolo]\nmask=0,5\nclasses=1\nnum=2\n", {"section 2 [yolo]", "mask=5"},
                  convParams);
  }
  SECTION("[region] channels that do not match") {
    checkCfgFails(conv + "[region]\nclasses=2\nnum=3\ncoords=4\n", {"section 2 [region]", "21"},
                  convParams);
  }
  SECTION("[route] to itself") {
    checkCfgFails(kNet4x4 + "[maxpool]\nsize=1\n[route]\nlayers=1\n",
                  {"section 2 [route]", "layers=1"});
  }
  SECTION("[shortcut] from a huge negative reference") {
    checkCfgFails(kNet4x4 + "[maxpool]\nsize=1\n[shortcut]\nfrom=-9223372036854775807\n",
                  {"section 2 [shortcut]", "from=-9223372036854775807"});
  }
  SECTION("[shortcut] alpha that is not a finite number") {
    checkCfgFails(kNet4x4 + "[maxpool]\nsize=1\n[shortcut]\nfrom=-1\nalpha=nan\n",
                  {"section 2 [shortcut]", "alpha=nan"});
  }
}

TEST_CASE("darknet hostile: weights headers", "[bad-input][darknet]") {
  const std::string cfg = kNet4x4 + "[convolutional]\nfilters=1\nsize=1\n";
  SECTION("a version whose major x 10 overflows int32 reads as transposed, 32-bit seen") {
    checkConverts(cfg, weightsBytes(ramp(3), INT32_MAX, 7));
  }
  SECTION("negative version") {
    badinput::Workspace ws;
    const Files f = writePair(ws, cfg, weightsBytes(ramp(3), -1, 2));
    checkFails(ws, f, {kInvalid, {f.weights.string(), "version -1.2.0"}});
  }
  SECTION("truncated mid-layer") {
    badinput::Workspace ws;
    const Files f = writePair(ws, cfg, weightsBytes(ramp(3)).substr(0, 20 + 9));
    checkFails(ws, f, {kInvalid, {f.weights.string(), "too short", "layer 0 [convolutional]"}});
  }
}

TEST_CASE("darknet hostile: what the cfg sizes asks the memory budget", "[bad-input][darknet]") {
  SECTION("a [route] of thousands of inputs") {
    std::string refs = "0";
    for (int i = 0; i < 4000; ++i) refs += ",0";
    badinput::Workspace ws;
    const Files f =
        writePair(ws, kNet4x4 + "[maxpool]\nsize=1\n[route]\nlayers=" + refs + "\ngroups=2\n",
                  weightsBytes({}));
    checkFails(ws, f, {kOverBudget, {f.cfg.string(), "section 2 [route]", "memory budget"}},
               {"--max-memory", "4M"});
  }
  SECTION("thousands of small layers") {
    std::string layers;
    for (int i = 0; i < 2000; ++i) layers += "[maxpool]\nsize=1\n";
    badinput::Workspace ws;
    const Files f = writePair(ws, kNet4x4 + layers, weightsBytes({}));
    checkFails(ws, f, {kOverBudget, {f.cfg.string(), "[maxpool]", "the graph", "memory budget"}},
               {"--max-memory", "1M"});
  }
  SECTION("transposed connected weights copied past the budget") {
    // 64 x 64 inputs x 128 outputs: 2 MiB in the file, 2 MiB more transposed.
    badinput::Workspace ws;
    const Files f =
        writePair(ws, "[net]\nwidth=64\nheight=64\nchannels=1\n[connected]\noutput=128\n",
                  weightsBytes(ramp(128 + 64 * 64 * 128), 1001, 0));
    checkFails(ws, f, {kOverBudget, {f.cfg.string(), "layer 0 [connected]", "memory budget"}},
               {"--max-memory", "1M"});
  }
}

TEST_CASE("darknet hostile: a cfg larger than any Darknet cfg", "[bad-input][darknet]") {
  badinput::Workspace ws;
  std::string cfg = kNet4x4 + "[maxpool]\nsize=1\n";
  cfg += std::string((size_t{4} << 20) + 1 - cfg.size(), '\n');
  const Files f = writePair(ws, cfg, weightsBytes({}));
  checkFails(ws, f, {kInvalid, {f.cfg.string(), "larger than any Darknet cfg"}});
  // One byte less is read, and converts.
  cfg.pop_back();
  const Files g = writePair(ws, cfg, weightsBytes({}));
  const auto r = badinput::runNnport(ws, convertArgs(ws, g));
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
}
