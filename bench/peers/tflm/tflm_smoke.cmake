# ctest smoke test of bench/peers/tflm (TFLM + CMSIS-NN on QEMU, hello_world_int8, two runs compared).
# Hook it from a CMakeLists.txt with:  include(${CMAKE_SOURCE_DIR}/bench/peers/tflm/tflm_smoke.cmake)
# Skipped (77) without arm-none-eabi-gcc/qemu-system-arm or ../shared/peers/tflm. The first run builds
# libtflm.a into ${CMAKE_BINARY_DIR}/peers/tflm (4-8 min on 2 cores), later runs take seconds.
add_test(NAME peers_tflm_smoke
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/smoke_test.py --build ${CMAKE_BINARY_DIR}/peers/tflm)
set_tests_properties(peers_tflm_smoke PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 1200 LABELS peers)
