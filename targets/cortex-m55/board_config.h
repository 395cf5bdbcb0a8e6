// Cortex-M55 on QEMU mps3-an547: SysTick runs at the 32 MHz system clock; under -icount shift=0 one
// instruction takes 1 ns, so one tick is 31.25 instructions (measured: 2 000 000 instructions = 64 000 ticks).
#define MOTE_BOARD_TICK_INSTRUCTIONS_NUM 125
#define MOTE_BOARD_TICK_INSTRUCTIONS_DEN 4
#define MOTE_BOARD_RAM_BYTES 524288
