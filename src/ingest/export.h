// Export to an Edge Impulse-style folder: <category>/<label>.<name>.json (or .png) plus info.labels.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "store/store.h"

namespace mote {

struct ExportReport {
  uint64_t samples = 0;
  uint64_t bytes = 0;
};

// Writes into a fresh folder next to `dir` and renames it into place, so a failed export leaves nothing.
// The filter's label/category/name apply; its limit/offset do not. Time series are signed HS256 with hmac_key when given.
ExportReport export_samples(Store& store, const std::filesystem::path& dir, const SampleFilter& filter,
                            const std::optional<std::string>& hmac_key);

}  // namespace mote
