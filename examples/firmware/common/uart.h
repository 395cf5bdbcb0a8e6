// The board's serial port: CMSDK APB UART0 of the MPS2 (mps2-an386 under QEMU: `-serial stdio` shows it),
// polled, 8N1. What a sketch's Serial.print does, without interrupts or buffers.
#ifndef MOTE_EXAMPLES_UART_H
#define MOTE_EXAMPLES_UART_H

#include <stdint.h>

namespace uart {

struct Regs {
  volatile uint32_t data, state, ctrl, intstatus, bauddiv;
};
inline Regs* uart0() { return reinterpret_cast<Regs*>(0x40004000u); }

// 115200 baud from the 25 MHz peripheral clock; TX enabled.
inline void init() {
  uart0()->bauddiv = 25000000u / 115200u;
  uart0()->ctrl = 1u;
}
inline void write(const char* s) {
  for (; *s; ++s) {
    while (uart0()->state & 1u) {  // TX buffer full
    }
    uart0()->data = static_cast<uint8_t>(*s);
  }
}

}  // namespace uart

#endif  // MOTE_EXAMPLES_UART_H
