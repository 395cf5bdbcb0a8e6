# GCC for one target of targets/targets.def (MOTE_TARGET, set by targets/<name>/toolchain.cmake): its compiler,
# CPU flags and libc. Floats round as on the host: no FMA contraction.
include(${CMAKE_CURRENT_LIST_DIR}/target_table.cmake)
mote_target_load(${MOTE_TARGET})
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR ${MOTE_TARGET_ARCH})
set(CMAKE_C_COMPILER ${MOTE_TARGET_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${MOTE_TARGET_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${MOTE_TARGET_PREFIX}gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(MOTE_CPU_FLAGS "${MOTE_TARGET_CPU_FLAGS} ${MOTE_TARGET_SPECS}")  # the libc specs set its include paths too
set(CMAKE_C_FLAGS_INIT "${MOTE_CPU_FLAGS} -ffunction-sections -fdata-sections -ffp-contract=off")
set(CMAKE_CXX_FLAGS_INIT "${MOTE_CPU_FLAGS} -ffunction-sections -fdata-sections -ffp-contract=off -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${MOTE_TARGET_CPU_FLAGS} -nostartfiles -Wl,--gc-sections")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
