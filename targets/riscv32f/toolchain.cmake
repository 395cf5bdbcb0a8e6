# The riscv32f target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/riscv32f/toolchain.cmake
set(MOTE_TARGET riscv32f)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
