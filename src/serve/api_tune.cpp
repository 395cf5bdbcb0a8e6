// The tuner's page: stored runs and their candidates (src/tune: show_tune), applying a candidate.
#include "serve/http.h"

namespace mote::serve {

void add_tune_routes(std::vector<Route>&) {}

}  // namespace mote::serve
