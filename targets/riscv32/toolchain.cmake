# The riscv32 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/riscv32/toolchain.cmake
set(MOTE_TARGET riscv32)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
