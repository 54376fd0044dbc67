// Calibration data sources for the quantizer (quantize/calibrate.h).
//
// A directory of .npy files, read one file at a time in name order:
//   - one-input model: the .npy files of DIR;
//   - several inputs: DIR/<input name>/*.npy, the k-th file of every input
//     making sample k (the counts must agree).
// A file holds one sample (the input's rank, or one less: a batch of 1 is
// added) or a batch along axis 0: when the input's first dim is static and
// the file's is a multiple of it, the file is split into samples.
// The dtype must be the input's; static dims must match.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "quantize/calibrate.h"

namespace nnport {

Expected<quant::SampleSource> npyCalibrationSource(const std::string& dir, const Model& m);

// How many samples the source will give at most (for a progress bar):
// the number of files, a lower bound when files hold batches.
Expected<size_t> countCalibrationFiles(const std::string& dir, const Model& m);

// Every file the source reads, input by input (what the calibration cache
// key hashes).
Expected<std::vector<std::string>> calibrationFiles(const std::string& dir, const Model& m);

}  // namespace nnport
