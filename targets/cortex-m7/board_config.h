// Cortex-M7 on QEMU mps2-an500: SysTick runs at the 25 MHz system clock; under -icount shift=0 one
// instruction takes 1 ns, so one tick is 40 instructions (measured: 2 000 000 instructions = 50 000 ticks).
#define MOTE_BOARD_TICK_INSTRUCTIONS_NUM 40
#define MOTE_BOARD_TICK_INSTRUCTIONS_DEN 1
#define MOTE_BOARD_RAM_BYTES 4194304
