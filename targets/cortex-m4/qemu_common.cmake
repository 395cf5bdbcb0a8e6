# Shared by the ctest drivers (cmake -P): tool discovery, section sizes, and a bounded QEMU run.
find_program(ARM_GXX arm-none-eabi-g++)
find_program(ARM_SIZE arm-none-eabi-size)
find_program(QEMU qemu-system-arm)
if(NOT ARM_GXX OR NOT ARM_SIZE OR NOT QEMU)
  set(M4_TOOLS_MISSING TRUE)
  message("SKIPPED: needs arm-none-eabi-g++ and qemu-system-arm (scripts/setup installs gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm)")
endif()

function(m4_check what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
endfunction()

# Flash = everything placed in the code region plus .data's load image; static RAM = .data + .bss.
function(m4_sizes elf out_flash out_static_ram)
  execute_process(COMMAND ${ARM_SIZE} -A ${elf} OUTPUT_VARIABLE sections)
  set(flash 0)
  set(ram 0)
  string(REPLACE "\n" ";" lines "${sections}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^(\\.[A-Za-z_.]+)[ \t]+([0-9]+)[ \t]+([0-9]+)")
      set(name ${CMAKE_MATCH_1})
      set(bytes ${CMAKE_MATCH_2})
      set(addr ${CMAKE_MATCH_3})
      if(name STREQUAL ".data")
        math(EXPR flash "${flash} + ${bytes}")
        math(EXPR ram "${ram} + ${bytes}")
      elseif(name STREQUAL ".bss")
        math(EXPR ram "${ram} + ${bytes}")
      elseif(addr LESS 536870912 AND NOT name MATCHES "^\\.(debug|comment|ARM.attributes|stack)")
        math(EXPR flash "${flash} + ${bytes}")
      endif()
    endif()
  endforeach()
  set(${out_flash} ${flash} PARENT_SCOPE)
  set(${out_static_ram} ${ram} PARENT_SCOPE)
endfunction()

# Runs the firmware under QEMU (deterministic -icount, 60 s bound); fails unless it exits with status 0.
function(m4_run elf out_output)
  execute_process(
    COMMAND ${QEMU} -M mps2-an386 -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native -icount shift=0 -kernel ${elf}
    TIMEOUT 60 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)  # semihosting writes to stderr
  message("${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "QEMU run of ${elf} failed (exit status '${rc}')")
  endif()
  set(${out_output} "${out}" PARENT_SCOPE)
endfunction()
