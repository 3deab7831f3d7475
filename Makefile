# Two entry points: `make demo` and `make check`. Both install what is missing, configure and build.
BUILD ?= build
JOBS ?= 2
PY := /usr/bin/python3
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm \
  -DPython3_EXECUTABLE=$(PY) -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache

# The sanitized build for the robustness tests: everything under AddressSanitizer and UBSan with
# clang, plus the libFuzzer targets (CMakeLists.txt: TESSEL_FUZZ). -O1 keeps it quick to build;
# NDEBUG as in the LLVM it links: assertions change the layout of some of its classes.
SAN_BUILD ?= build-san
SAN_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DTESSEL_FUZZ=ON -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
  -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm -DPython3_EXECUTABLE=$(PY) \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache

.PHONY: deps configure build python san demo check clean

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt | deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

configure: deps $(BUILD)/build.ninja

build: configure
	@ninja -C $(BUILD) -j$(JOBS) --quiet

# The Python extensions (tessel._compiler, tessel._runtime) into $(BUILD)/python/tessel, where the
# package in python/ finds them; `make build` builds them too. docs/python.md.
python: configure
	@ninja -C $(BUILD) -j$(JOBS) --quiet tessel_compiler_module tessel_runtime_module

$(SAN_BUILD)/build.ninja: CMakeLists.txt | deps
	@cmake -S . -B $(SAN_BUILD) $(SAN_FLAGS) >/dev/null

san: deps $(SAN_BUILD)/build.ninja
	@ninja -C $(SAN_BUILD) -j$(JOBS) --quiet tt-compile tt-run fuzz-import fuzz-load

demo: build
	@$(PY) scripts/demo.py --build $(BUILD)

LIT := $(PY) /usr/lib/llvm-19/build/utils/lit/lit.py

# Each runner prints its own summary line last: lit, GoogleTest, pytest. ThreadSanitizer maps
# its shadow memory at fixed places, so its test runs without address randomisation where the
# host allows it: a kernel's wide mmap randomisation cannot collide with it.
check: build san
	@$(LIT) -s $(BUILD)/test
	@$(BUILD)/bin/runtime-unittests --gtest_brief=1
	@$(BUILD)/bin/runtime-fuzz-asan --gtest_brief=1
	@if setarch $$(uname -m) -R true 2>/dev/null; then \
	  setarch $$(uname -m) -R $(BUILD)/bin/runtime-determinism-tsan --gtest_brief=1; \
	else $(BUILD)/bin/runtime-determinism-tsan --gtest_brief=1; fi
	@$(BUILD)/bin/compiler-unittests --gtest_brief=1
	@cd $(BUILD) && TESSEL_BIN=$(CURDIR)/$(BUILD)/bin TESSEL_SRC=$(CURDIR) \
	  TESSEL_CHIPS_DIR=$(CURDIR)/runtime/chips $(PY) -m pytest -q -p no:cacheprovider $(CURDIR)/test/e2e \
	  $(CURDIR)/test/conformance
	@cd $(SAN_BUILD) && TESSEL_SAN_BIN=$(CURDIR)/$(SAN_BUILD)/bin $(PY) -m pytest -q -p no:cacheprovider \
	  $(CURDIR)/test/robustness

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
