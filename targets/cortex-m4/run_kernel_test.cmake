# ctest driver (cmake -P): numpy reference -> host-checked vectors -> cross-compiled firmware -> QEMU.
# Inputs: MOTE_SOURCE_DIR, WORK_DIR, VECTORS_TOOL. Prints "SKIPPED:" (ctest marks the test skipped) when
# the ARM toolchain or QEMU is missing. Writes WORK_DIR/report.txt (sizes, instructions per kernel run).
find_program(ARM_GXX arm-none-eabi-g++)
find_program(ARM_SIZE arm-none-eabi-size)
find_program(QEMU qemu-system-arm)
if(NOT ARM_GXX OR NOT ARM_SIZE OR NOT QEMU)
  message("SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup installs gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm)")
  return()
endif()
set(PYTHON /usr/bin/python3)
file(MAKE_DIRECTORY ${WORK_DIR})

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
endfunction()

run("tests/ref/nn_int8.py" ${PYTHON} ${MOTE_SOURCE_DIR}/tests/ref/nn_int8.py ${WORK_DIR})
run("mote_nn_vectors" ${VECTORS_TOOL} ${WORK_DIR}/nn_int8.json ${WORK_DIR}/nn_vectors.cpp)
run("firmware configure" ${CMAKE_COMMAND} -S ${MOTE_SOURCE_DIR}/targets/cortex-m4 -B ${WORK_DIR}/fw -G Ninja
    -DCMAKE_BUILD_TYPE=None -DCMAKE_TOOLCHAIN_FILE=${MOTE_SOURCE_DIR}/targets/cortex-m4/toolchain.cmake
    -DMOTE_NN_VECTORS=${WORK_DIR}/nn_vectors.cpp)
run("firmware build" ${CMAKE_COMMAND} --build ${WORK_DIR}/fw)
set(ELF ${WORK_DIR}/fw/nn_kernel_test.elf)

# Flash = everything placed in the code region plus .data's load image; RAM = .data + .bss (+ peak stack).
execute_process(COMMAND ${ARM_SIZE} -A ${ELF} OUTPUT_VARIABLE sections RESULT_VARIABLE rc)
set(flash 0)
set(static_ram 0)
string(REPLACE "\n" ";" lines "${sections}")
foreach(line IN LISTS lines)
  if(line MATCHES "^(\\.[A-Za-z_.]+)[ \t]+([0-9]+)[ \t]+([0-9]+)")
    set(name ${CMAKE_MATCH_1})
    set(bytes ${CMAKE_MATCH_2})
    set(addr ${CMAKE_MATCH_3})
    if(name STREQUAL ".data")
      math(EXPR flash "${flash} + ${bytes}")
      math(EXPR static_ram "${static_ram} + ${bytes}")
    elseif(name STREQUAL ".bss")
      math(EXPR static_ram "${static_ram} + ${bytes}")
    elseif(addr LESS 536870912 AND NOT name MATCHES "^\\.(debug|comment|ARM.attributes|stack)")
      math(EXPR flash "${flash} + ${bytes}")
    endif()
  endif()
endforeach()

execute_process(
  COMMAND ${QEMU} -M mps2-an386 -nographic -monitor none -serial none -semihosting-config enable=on,target=native
    -icount shift=0 -kernel ${ELF}
  TIMEOUT 60 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)  # semihosting writes to stderr
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "QEMU run failed (exit status '${rc}')")
endif()

# Every case of the reference ran on every path, and the firmware said so.
file(READ ${WORK_DIR}/nn_int8.json json)
string(JSON cases LENGTH "${json}" cases)
string(REGEX MATCH "mote nn kernel test: cortex-m4, ([0-9]+) cases" _ "${out}")
if(NOT CMAKE_MATCH_1 EQUAL cases)
  message(FATAL_ERROR "the firmware ran '${CMAKE_MATCH_1}' cases, the reference has ${cases}")
endif()
string(REGEX MATCHALL "\nok   [^\n]*" oks "\n${out}")
list(LENGTH oks ok_count)
string(REGEX MATCH "runs=([0-9]+) failures=0" _ "${out}")
set(runs "${CMAKE_MATCH_1}")  # (if(... MATCHES) below resets CMAKE_MATCH_*)
string(FIND "${out}" "ALL OK" all_ok)
if(NOT runs OR NOT ok_count EQUAL runs OR all_ok EQUAL -1)
  message(FATAL_ERROR "the Cortex-M4 outputs differ from the host's (${ok_count} runs ok of '${runs}')")
endif()
string(REGEX MATCH "stack_peak_bytes=([0-9]+)" _ "${out}")
set(stack ${CMAKE_MATCH_1})
math(EXPR ram "${static_ram} + ${stack}")
set(summary "flash_bytes=${flash} static_ram_bytes=${static_ram} stack_peak_bytes=${stack} ram_bytes=${ram} runs=${ok_count}")
message("${summary}")
file(WRITE ${WORK_DIR}/report.txt "${summary}\n${out}")
