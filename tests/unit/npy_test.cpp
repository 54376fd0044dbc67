// .npy files: round trip and clear errors for malformed ones.
#include <catch2/catch.hpp>

#include "lib/npy.h"

using namespace nnport;
using nnport::exec::RtTensor;

TEST_CASE("npy round trip keeps dtype, dims and bytes", "[npy]") {
  RtTensor t = RtTensor::allocate(DType::Float32, {2, 3});
  for (int i = 0; i < 6; ++i) t.data<float>()[i] = static_cast<float>(i) - 2.5f;
  const std::string bytes = encodeNpy(t);
  CHECK((bytes.size() - t.byteSize()) % 64 == 0);  // header padded to 64 bytes
  auto back = parseNpy(bytes, "t.npy");
  REQUIRE(back.hasValue());
  CHECK(back->dtype() == DType::Float32);
  CHECK(back->dims() == std::vector<int64_t>{2, 3});
  for (int i = 0; i < 6; ++i) CHECK(back->data<float>()[i] == t.data<float>()[i]);

  RtTensor scalar = RtTensor::allocate(DType::Int64, {});
  scalar.data<int64_t>()[0] = 42;
  auto s = parseNpy(encodeNpy(scalar), "s.npy");
  REQUIRE(s.hasValue());
  CHECK(s->dims().empty());
  CHECK(s->data<int64_t>()[0] == 42);
}

TEST_CASE("malformed npy files are errors naming the file", "[npy]") {
  RtTensor t = RtTensor::allocate(DType::Float32, {4});
  std::string good = encodeNpy(t);
  auto expectError = [](const std::string& bytes, ErrorCode code, const std::string& what) {
    auto r = parseNpy(bytes, "bad.npy");
    REQUIRE_FALSE(r.hasValue());
    CHECK(r.status().code() == code);
    CHECK(r.status().message().find("bad.npy") == 0);
    CHECK(r.status().message().find(what) != std::string::npos);
  };
  expectError("hello", ErrorCode::InvalidInput, "magic");
  expectError(good.substr(0, good.size() - 1), ErrorCode::InvalidInput, "data bytes");
  expectError(good + "xx", ErrorCode::InvalidInput, "data bytes");
  std::string bigEndian = good;
  bigEndian.replace(bigEndian.find("'<f4'"), 5, "'>f4'");
  expectError(bigEndian, ErrorCode::Unsupported, "big-endian");
  std::string complex = good;
  complex.replace(complex.find("'<f4'"), 5, "'<c8'");
  expectError(complex, ErrorCode::Unsupported, "dtype");
  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  expectError(fortran, ErrorCode::Unsupported, "Fortran");
  std::string badShape = good;
  badShape.replace(badShape.find("(4,)"), 4, "(x,)");
  expectError(badShape, ErrorCode::InvalidInput, "shape");
}
