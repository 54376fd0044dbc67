// `--calib-cache`: a second run on the same model and data reads the
// statistics back (for any scheme and method) and gives exactly what a
// fresh calibration gives; new data or a damaged entry are noticed.
#include <catch2/catch.hpp>

#include <filesystem>

#include "lib/quantize.h"
#include "quantize/calib_cache.h"
#include "support/atomic_file.h"
#include "tests/unit/quantize_test_util.h"

using namespace nnport;
using namespace nnport::testing;
namespace fs = std::filesystem;

namespace {

QuantizeSpec cachedSpec(const std::string& calib, const std::string& cache,
                        quant::CalibMethod method) {
  QuantizeSpec s;
  s.calib = calib;
  s.cacheDir = cache;
  s.compareSamples = 0;
  s.options.method = method;
  s.options.scheme.activation.symmetric = method == quant::CalibMethod::Entropy;
  return s;
}

std::string freshDir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  return d.string();
}

}  // namespace

TEST_CASE("the calibration cache serves other schemes and notices new data", "[quantize]") {
  const std::string calib = calibDir("cache", 8, {1, 3, 8, 8});
  const std::string cache = freshDir("nnport_calib_cache_dir");
  const exec::RtTensor probe = sampleTensor({1, 3, 8, 8}, 999);

  auto first = smallCnn();
  auto a = quantizeInPlace(*first, cachedSpec(calib, cache, quant::CalibMethod::MinMax));
  REQUIRE(a);
  CHECK_FALSE(a->fromCache);
  REQUIRE(fs::exists(a->cacheFile));

  // Another method and scheme from the cache equals a fresh calibration.
  for (auto method : {quant::CalibMethod::Entropy, quant::CalibMethod::Percentile}) {
    auto cached = smallCnn(), fresh = smallCnn();
    auto b = quantizeInPlace(*cached, cachedSpec(calib, cache, method));
    auto c = quantizeInPlace(*fresh, cachedSpec(calib, "", method));
    REQUIRE(b);
    REQUIRE(c);
    CHECK(b->fromCache);
    CHECK(b->cacheFile == a->cacheFile);
    CHECK(b->samples == c->samples);
    REQUIRE(b->result.tensors.size() == c->result.tensors.size());
    for (size_t i = 0; i < b->result.tensors.size(); ++i) {
      CHECK(b->result.tensors[i].affine.scale == c->result.tensors[i].affine.scale);
      CHECK(b->result.tensors[i].affine.zeroPoint == c->result.tensors[i].affine.zeroPoint);
    }
    const exec::RtTensor x = runOne(*cached, probe), y = runOne(*fresh, probe);
    CHECK(std::equal(x.data<float>(), x.data<float>() + x.numElements(), y.data<float>()));
  }

  // New data: another key, calibrated again.
  REQUIRE(writeNpy(sampleTensor({1, 3, 8, 8}, 4242), (fs::path(calib) / "000.npy").string()));
  auto again = smallCnn();
  auto d = quantizeInPlace(*again, cachedSpec(calib, cache, quant::CalibMethod::MinMax));
  REQUIRE(d);
  CHECK_FALSE(d->fromCache);
  CHECK(d->cacheFile != a->cacheFile);

  // A damaged entry is an error naming the file, not a silent recalibration.
  REQUIRE(writeWholeFile(d->cacheFile, "{\"nnport_calibration\": 1, \"samples\":"));
  auto broken = smallCnn();
  auto e = quantizeInPlace(*broken, cachedSpec(calib, cache, quant::CalibMethod::MinMax));
  REQUIRE_FALSE(e);
  CHECK(e.status().message().find(d->cacheFile) != std::string::npos);
}

TEST_CASE("calibration statistics read back exactly from their JSON", "[quantize]") {
  quant::Calibration c;
  c.samples = 3;
  const auto v = randomFloats(1000, 7, -3, 5);
  c.tensors["t"].add(v.data(), v.size(), true);
  c.tensors["unreached"];
  auto back = quant::calibrationFromJson(quant::calibrationToJson(c));
  REQUIRE(back);
  CHECK(back->samples == 3);
  const auto &s = c.tensors["t"], &r = back->tensors.at("t");
  CHECK(r.min == s.min);
  CHECK(r.max == s.max);
  CHECK(r.emaMin == s.emaMin);
  CHECK(r.values == s.values);
  CHECK(r.hist.width() == s.hist.width());
  CHECK(r.hist.firstBin() == s.hist.firstBin());
  CHECK(r.hist.counts() == s.hist.counts());
  CHECK(back->tensors.at("unreached").samples == 0);
  CHECK_FALSE(quant::calibrationFromJson("{\"something\": 1}"));
}
