// RV32 with the F extension on QEMU virt: minstret counts instructions itself (under -icount shift=0, exact).
#define MOTE_BOARD_TICK_INSTRUCTIONS_NUM 1
#define MOTE_BOARD_TICK_INSTRUCTIONS_DEN 1
#define MOTE_BOARD_RAM_BYTES 4194304
