#include "mote/status.h"

namespace mote {

static const char* const kStatusText[] = {
#define MOTE_STATUS_TEXT(name, text) text,
    MOTE_STATUS_LIST(MOTE_STATUS_TEXT)
#undef MOTE_STATUS_TEXT
};
static_assert(sizeof(kStatusText) / sizeof(kStatusText[0]) == MOTE_STATUS_COUNT,
              "every status has a string");

const char* status_string(Status s) {
  if (s < 0 || s >= MOTE_STATUS_COUNT) {
    return "unknown status";
  }
  return kStatusText[s];
}

}  // namespace mote
