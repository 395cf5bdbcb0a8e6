# The cortex-m0 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/cortex-m0/toolchain.cmake
set(MOTE_TARGET cortex-m0)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
