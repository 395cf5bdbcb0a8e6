// Cutting one long recording into consecutive pieces at import (--segment-ms): a file that holds many
// gestures back to back (the Arduino "magic wand" CSVs) or one long run to window and split (CWRU).
#pragma once

#include <string>
#include <vector>

#include "store/sample.h"

namespace mote {

// Pieces of round(segment_ms / interval) frames each, in order; a shorter tail is dropped. Piece k is named
// "<name>.<k>" and records its first frame in the provenance. Throws mote::Error naming `where` for images
// and for recordings shorter than one piece.
std::vector<Sample> segment_time_series(const Sample& s, double segment_ms, const std::string& where);

}  // namespace mote
