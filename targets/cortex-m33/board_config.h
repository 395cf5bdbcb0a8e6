// Cortex-M33 on QEMU mps2-an505: SysTick runs at the 20 MHz system clock; under -icount shift=0 one
// instruction takes 1 ns, so one tick is 50 instructions (measured: 2 000 000 instructions = 40 000 ticks).
#define MOTE_BOARD_TICK_INSTRUCTIONS_NUM 50
#define MOTE_BOARD_TICK_INSTRUCTIONS_DEN 1
#define MOTE_BOARD_RAM_BYTES 2097152
