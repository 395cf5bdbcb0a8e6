// Default port clock: no timer, so stage timings read 0. A board defines its own mote_port_clock.
#include "mote/port.h"

extern "C" __attribute__((weak)) uint32_t mote_port_clock(void) { return 0; }
