# Included by the top-level CMakeLists (and tests/fuzz): the deploy packagers join MOTE_HOST_TARGET (default
# mote_host), with runtime/ embedded; MOTE_ROOT is the source tree, generated files go to MOTE_GENERATED_DIR.
file(GLOB MOTE_DEPLOY_SOURCES CONFIGURE_DEPENDS ${MOTE_ROOT}/src/deploy/*.cpp)
file(GLOB_RECURSE MOTE_RUNTIME_FILES CONFIGURE_DEPENDS ${MOTE_ROOT}/runtime/*.h ${MOTE_ROOT}/runtime/*.cpp
  ${MOTE_ROOT}/runtime/*README.md)
set(MOTE_EMBEDDED_RUNTIME ${MOTE_GENERATED_DIR}/runtime_files.cpp)
add_custom_command(OUTPUT ${MOTE_EMBEDDED_RUNTIME}
  COMMAND ${CMAKE_COMMAND} -DRUNTIME_DIR=${MOTE_ROOT}/runtime -DOUT=${MOTE_EMBEDDED_RUNTIME}
    -P ${MOTE_ROOT}/src/deploy/embed_runtime.cmake
  DEPENDS ${MOTE_RUNTIME_FILES} ${MOTE_ROOT}/src/deploy/embed_runtime.cmake
  COMMENT "Embedding runtime/ for deploy packages")
# The Cortex-M4 board support (startup, semihosting, linker script) for `mote deploy --format firmware` and
# `mote profile`: kBoardFiles.
set(MOTE_M4_BOARD_FILES startup.cpp board.cpp board.h mps2_an386.ld)
list(TRANSFORM MOTE_M4_BOARD_FILES PREPEND ${MOTE_ROOT}/targets/cortex-m4/ OUTPUT_VARIABLE MOTE_M4_BOARD_PATHS)
set(MOTE_EMBEDDED_BOARD ${MOTE_GENERATED_DIR}/board_files.cpp)
add_custom_command(OUTPUT ${MOTE_EMBEDDED_BOARD}
  COMMAND ${CMAKE_COMMAND} -DRUNTIME_DIR=${MOTE_ROOT}/targets/cortex-m4 -DOUT=${MOTE_EMBEDDED_BOARD}
    -DSYMBOL=kBoardFiles -DPATTERNS=startup.cpp,board.cpp,board.h,mps2_an386.ld
    -P ${MOTE_ROOT}/src/deploy/embed_runtime.cmake
  DEPENDS ${MOTE_M4_BOARD_PATHS} ${MOTE_ROOT}/src/deploy/embed_runtime.cmake
  COMMENT "Embedding the Cortex-M4 board support for firmware packages")
target_sources(${MOTE_HOST_TARGET} PRIVATE ${MOTE_DEPLOY_SOURCES} ${MOTE_EMBEDDED_RUNTIME} ${MOTE_EMBEDDED_BOARD})
