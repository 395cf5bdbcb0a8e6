// CSV import: a header row (names become sensor names), a timestamp column in ms or a given interval.
#pragma once

#include "ingest/format.h"

namespace mote {

Sample parse_csv(std::string_view bytes, const ParseContext& ctx);

}  // namespace mote
