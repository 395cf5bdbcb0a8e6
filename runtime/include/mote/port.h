// Platform hooks of the device runtime, each with a weak default in runtime/port/ that a board overrides.
#ifndef MOTE_PORT_H
#define MOTE_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// A free-running clock for the impulse's stage timings (any unit; differences are reported). Default: 0.
uint32_t mote_port_clock(void);

#ifdef __cplusplus
}
#endif

#endif  // MOTE_PORT_H
