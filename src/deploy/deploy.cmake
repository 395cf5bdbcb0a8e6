# Included by the top-level CMakeLists: the deploy packagers join mote_host, with runtime/ embedded.
file(GLOB MOTE_DEPLOY_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/deploy/*.cpp)
file(GLOB_RECURSE MOTE_RUNTIME_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/runtime/*.h ${CMAKE_SOURCE_DIR}/runtime/*.cpp
  ${CMAKE_SOURCE_DIR}/runtime/*README.md)
set(MOTE_EMBEDDED_RUNTIME ${CMAKE_BINARY_DIR}/generated/runtime_files.cpp)
add_custom_command(OUTPUT ${MOTE_EMBEDDED_RUNTIME}
  COMMAND ${CMAKE_COMMAND} -DRUNTIME_DIR=${CMAKE_SOURCE_DIR}/runtime -DOUT=${MOTE_EMBEDDED_RUNTIME}
    -P ${CMAKE_SOURCE_DIR}/src/deploy/embed_runtime.cmake
  DEPENDS ${MOTE_RUNTIME_FILES} ${CMAKE_SOURCE_DIR}/src/deploy/embed_runtime.cmake
  COMMENT "Embedding runtime/ for deploy packages")
# The Cortex-M4 board support (startup, semihosting, linker script) for `mote deploy --format firmware` and
# `mote profile`: kBoardFiles.
set(MOTE_M4_BOARD_FILES startup.cpp board.cpp board.h mps2_an386.ld)
list(TRANSFORM MOTE_M4_BOARD_FILES PREPEND ${CMAKE_SOURCE_DIR}/targets/cortex-m4/ OUTPUT_VARIABLE MOTE_M4_BOARD_PATHS)
set(MOTE_EMBEDDED_BOARD ${CMAKE_BINARY_DIR}/generated/board_files.cpp)
add_custom_command(OUTPUT ${MOTE_EMBEDDED_BOARD}
  COMMAND ${CMAKE_COMMAND} -DRUNTIME_DIR=${CMAKE_SOURCE_DIR}/targets/cortex-m4 -DOUT=${MOTE_EMBEDDED_BOARD}
    -DSYMBOL=kBoardFiles -DPATTERNS=startup.cpp,board.cpp,board.h,mps2_an386.ld
    -P ${CMAKE_SOURCE_DIR}/src/deploy/embed_runtime.cmake
  DEPENDS ${MOTE_M4_BOARD_PATHS} ${CMAKE_SOURCE_DIR}/src/deploy/embed_runtime.cmake
  COMMENT "Embedding the Cortex-M4 board support for firmware packages")
target_sources(mote_host PRIVATE ${MOTE_DEPLOY_SOURCES} ${MOTE_EMBEDDED_RUNTIME} ${MOTE_EMBEDDED_BOARD})
