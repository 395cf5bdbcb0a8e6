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
# The board support of every target (targets/: common board, <arch>/startup.cpp, <target>/board_config.h and
# linker script, targets.def) for `mote deploy --format firmware` and `mote profile`: kBoardFiles.
set(MOTE_BOARD_PATTERNS targets.def,common/board.h,common/board.cpp,common/sections.ld,arm/startup.cpp,riscv/startup.cpp,*/board_config.h,*/*.ld)
string(REPLACE "," ";" _board_globs "${MOTE_BOARD_PATTERNS}")
list(TRANSFORM _board_globs PREPEND ${MOTE_ROOT}/targets/)
file(GLOB MOTE_BOARD_PATHS CONFIGURE_DEPENDS ${_board_globs})
set(MOTE_EMBEDDED_BOARD ${MOTE_GENERATED_DIR}/board_files.cpp)
add_custom_command(OUTPUT ${MOTE_EMBEDDED_BOARD}
  COMMAND ${CMAKE_COMMAND} -DRUNTIME_DIR=${MOTE_ROOT}/targets -DOUT=${MOTE_EMBEDDED_BOARD}
    -DSYMBOL=kBoardFiles -DPATTERNS=${MOTE_BOARD_PATTERNS}
    -P ${MOTE_ROOT}/src/deploy/embed_runtime.cmake
  DEPENDS ${MOTE_BOARD_PATHS} ${MOTE_ROOT}/src/deploy/embed_runtime.cmake
  COMMENT "Embedding the targets' board support for firmware packages")
target_sources(${MOTE_HOST_TARGET} PRIVATE ${MOTE_DEPLOY_SOURCES} ${MOTE_EMBEDDED_RUNTIME} ${MOTE_EMBEDDED_BOARD})
