# The two commands a newcomer needs: `make run` (the demo) and `make test` (every test).
BUILD ?= build
DEMO_DIR ?= $(BUILD)/demo-project

.PHONY: all setup configure build run test test-asan bench clean

all: build

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD)

run: build
	$(BUILD)/mote demo $(DEMO_DIR)

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j 2

# The unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer (not the
# fuzzers, sanitized already, nor the Cortex-M4 firmware proofs, which the host sanitizers do not reach).
test-asan: setup
	@cmake -S . -B $(BUILD)-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOTE_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD)-asan
	cd $(BUILD)-asan && $(CURDIR)/scripts/ctest-sanitized --timeout 900 -j 2 -E "fuzz_|cortex_m4_|_nn_kernels$$|_nn_models$$"

bench: build
	bench/run

clean:
	rm -rf $(BUILD)
