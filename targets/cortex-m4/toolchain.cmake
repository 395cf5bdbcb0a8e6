# The cortex-m4 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/cortex-m4/toolchain.cmake
set(MOTE_TARGET cortex-m4)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
