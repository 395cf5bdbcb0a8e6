# The cortex-m55 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/cortex-m55/toolchain.cmake
set(MOTE_TARGET cortex-m55)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
