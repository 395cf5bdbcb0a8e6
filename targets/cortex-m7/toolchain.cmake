# The cortex-m7 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/cortex-m7/toolchain.cmake
set(MOTE_TARGET cortex-m7)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
