// The Arduino library package (1.5 library format): drop OUT into Arduino/libraries (or zip it and use
// Sketch > Include Library > Add .ZIP), then `#include <name.h>`. src/ holds the generated model and the
// runtime sources laid out so Arduino's single include root (src/) resolves them; examples/ has a sketch.
#pragma once

#include <filesystem>
#include <string>

#include "deploy/cpp_library.h"

namespace mote::deploy {

// Same contract as write_cpp_library: OUT must not exist or be empty; nothing is left on failure.
PackageInfo write_arduino_library(const quant::QModel& q, const std::string& name, const std::filesystem::path& out);

}  // namespace mote::deploy
