// Constant literals of the text IR (ir/text_parser.cpp): the tensor built
// from listed values, and the deterministic values of a constant written
// without them (golden tests state shapes, not weights).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace nnport::textir {

// n values in [-1, 1], the same for the same name on every run.
std::vector<double> madeUpValues(const std::string& name, int64_t n);

// A tensor of `d` from values read as doubles: integers saturate, float32
// past its range becomes an infinity (never a cast out of range). An
// element type text cannot hold is an error.
Expected<TensorPtr> tensorFromLiterals(DType d, std::vector<int64_t> dims,
                                       const std::vector<double>& v);

// Whether a number token is written as a float (a point, an exponent, inf
// or nan) rather than an integer.
bool isFloatText(const std::string& t);

}  // namespace nnport::textir
