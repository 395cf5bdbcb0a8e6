# The cortex-m33 target (targets/targets.def) for CMake: -DCMAKE_TOOLCHAIN_FILE=targets/cortex-m33/toolchain.cmake
set(MOTE_TARGET cortex-m33)
include(${CMAKE_CURRENT_LIST_DIR}/../common/toolchain.cmake)
