# The cortex-m3 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/cortex-m3/toolchain.cmake
set(MOTE_TARGET cortex-m3)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
