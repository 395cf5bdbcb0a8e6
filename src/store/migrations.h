// Schema migrations, in order: entry i brings a database from version i to i + 1. Append only.
#pragma once

#include <string>
#include <vector>

namespace mote {

const std::vector<std::string>& schema_migrations();

}  // namespace mote
