# ctest driver (cmake -P): numpy reference -> host-checked vectors -> cross-compiled firmware -> QEMU.
# Inputs: MOTE_SOURCE_DIR, WORK_DIR, TARGET (targets.def; default cortex-m4), VECTORS_TOOL. Prints "SKIPPED:" (ctest marks the test skipped) when
# the ARM toolchain or QEMU is missing. Writes WORK_DIR/report.txt (sizes, instructions per kernel run).
include(${CMAKE_CURRENT_LIST_DIR}/firmware.cmake)
if(FW_TOOLS_MISSING)
  return()
endif()
set(PYTHON /usr/bin/python3)
file(MAKE_DIRECTORY ${WORK_DIR})

fw_check("tests/ref/nn_int8.py" ${PYTHON} ${MOTE_SOURCE_DIR}/tests/ref/nn_int8.py ${WORK_DIR})
fw_check("mote_nn_vectors" ${VECTORS_TOOL} ${WORK_DIR}/nn_int8.json ${WORK_DIR}/nn_vectors.cpp)
fw_check("firmware configure" ${CMAKE_COMMAND} -S ${MOTE_SOURCE_DIR}/targets/common -B ${WORK_DIR}/fw -G Ninja
    -DCMAKE_BUILD_TYPE=None -DCMAKE_TOOLCHAIN_FILE=${MOTE_SOURCE_DIR}/targets/${TARGET}/toolchain.cmake
    -DMOTE_NN_VECTORS=${WORK_DIR}/nn_vectors.cpp)
fw_check("firmware build" ${CMAKE_COMMAND} --build ${WORK_DIR}/fw --parallel 2)
set(ELF ${WORK_DIR}/fw/nn_kernel_test.elf)

fw_sizes(${ELF} flash static_ram)
fw_run(${ELF} out)

# Every case of the reference ran on every path, and the firmware said so.
file(READ ${WORK_DIR}/nn_int8.json json)
string(JSON cases LENGTH "${json}" cases)
string(REGEX MATCH "mote nn kernel test: ([0-9]+) cases" _ "${out}")
if(NOT CMAKE_MATCH_1 EQUAL cases)
  message(FATAL_ERROR "the firmware ran '${CMAKE_MATCH_1}' cases, the reference has ${cases}")
endif()
string(REGEX MATCHALL "\nok   [^\n]*" oks "\n${out}")
list(LENGTH oks ok_count)
string(REGEX MATCH "runs=([0-9]+) failures=0" _ "${out}")
set(runs "${CMAKE_MATCH_1}")  # (if(... MATCHES) below resets CMAKE_MATCH_*)
string(FIND "${out}" "ALL OK" all_ok)
if(NOT runs OR NOT ok_count EQUAL runs OR all_ok EQUAL -1)
  message(FATAL_ERROR "the ${TARGET} outputs differ from the host's (${ok_count} runs ok of '${runs}')")
endif()
string(REGEX MATCH "stack_peak_bytes=([0-9]+)" _ "${out}")
set(stack ${CMAKE_MATCH_1})
math(EXPR ram "${static_ram} + ${stack}")
set(summary "flash_bytes=${flash} static_ram_bytes=${static_ram} stack_peak_bytes=${stack} ram_bytes=${ram} runs=${ok_count}")
message("${summary}")
file(WRITE ${WORK_DIR}/report.txt "${summary}\n${out}")
