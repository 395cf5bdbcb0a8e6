// WAV import through libsndfile: any rate, any PCM/float encoding; stereo and more mixed down to mono.
#pragma once

#include "ingest/format.h"

namespace mote {

Sample parse_wav(std::string_view bytes, const ParseContext& ctx);

}  // namespace mote
