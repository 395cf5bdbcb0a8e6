// NumPy .npy arrays (format versions 1-3): the calibration and input files users hand to model commands.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mote {

struct NpyArray {
  std::vector<size_t> shape;
  std::vector<double> values;  // C order, converted from float32/float64/int8/uint8/int16/int32
};

// Parses `bytes` (the whole file); `name` prefixes errors, which name the field (magic, header, descr,
// fortran_order, shape, data) and what mote reads. Never reads past the buffer.
NpyArray parse_npy(std::string_view bytes, const std::string& name);

}  // namespace mote
