// Cortex-M0 on QEMU microbit (nRF51): SysTick runs at the 16 MHz system clock; under -icount shift=0 one
// instruction takes 1 ns, so one tick is 62.5 instructions (measured: 2 000 000 instructions = 32 000 ticks).
#define MOTE_BOARD_TICK_INSTRUCTIONS_NUM 125
#define MOTE_BOARD_TICK_INSTRUCTIONS_DEN 2
#define MOTE_BOARD_RAM_BYTES 16384
