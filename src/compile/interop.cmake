# Included by the top-level CMakeLists (and tests/fuzz; variables as in deploy.cmake): the .tflite writer's
# flatbuffers code is generated from src/compile/tflite_schema.fbs by Debian's flatc at build time.
find_program(FLATC_EXECUTABLE flatc REQUIRED)
set(MOTE_TFLITE_SCHEMA_H ${MOTE_GENERATED_DIR}/tflite_schema_generated.h)
add_custom_command(OUTPUT ${MOTE_TFLITE_SCHEMA_H}
  COMMAND ${FLATC_EXECUTABLE} --cpp -o ${MOTE_GENERATED_DIR} ${MOTE_ROOT}/src/compile/tflite_schema.fbs
  DEPENDS ${MOTE_ROOT}/src/compile/tflite_schema.fbs
  COMMENT "flatc: src/compile/tflite_schema.fbs")
target_sources(${MOTE_HOST_TARGET} PRIVATE ${MOTE_TFLITE_SCHEMA_H})
target_include_directories(${MOTE_HOST_TARGET} PUBLIC ${MOTE_GENERATED_DIR})
# The ONNX reader parses with Debian's libonnx-dev (onnx-ml.pb.h, libonnx_proto on libprotobuf).
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
target_link_libraries(${MOTE_HOST_TARGET} PUBLIC onnx_proto)
