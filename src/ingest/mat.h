// MATLAB Level 5 MAT-files (v5/v6 and v7 with compressed variables): numeric vectors become the axes.
#pragma once

#include <string_view>

#include "ingest/format.h"

namespace mote {

// Every real numeric 2-D variable with one dimension of 1..16 is a group of axes (N x 1 one axis, N x 3
// three); the variables with the most frames become the sample, in file order. Scalars are kept in the
// provenance. A shared "X097_" style prefix (CWRU's record id) is dropped from the axis names.
// The file holds no sampling rate: ctx.interval_ms (--frequency-hz) must be set.
Sample parse_mat(std::string_view bytes, const ParseContext& ctx);

}  // namespace mote
