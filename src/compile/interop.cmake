# Included by the top-level CMakeLists: the .tflite writer's flatbuffers code is generated from
# src/compile/tflite_schema.fbs by Debian's flatc at build time.
find_program(FLATC_EXECUTABLE flatc REQUIRED)
set(MOTE_TFLITE_SCHEMA_H ${CMAKE_BINARY_DIR}/generated/tflite_schema_generated.h)
add_custom_command(OUTPUT ${MOTE_TFLITE_SCHEMA_H}
  COMMAND ${FLATC_EXECUTABLE} --cpp -o ${CMAKE_BINARY_DIR}/generated ${CMAKE_SOURCE_DIR}/src/compile/tflite_schema.fbs
  DEPENDS ${CMAKE_SOURCE_DIR}/src/compile/tflite_schema.fbs
  COMMENT "flatc: src/compile/tflite_schema.fbs")
target_sources(mote_host PRIVATE ${MOTE_TFLITE_SCHEMA_H})
target_include_directories(mote_host PUBLIC ${CMAKE_BINARY_DIR}/generated)
