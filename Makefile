# Two entry points: `make demo` and `make check`. Both install what is missing, configure and build.
BUILD ?= build
JOBS ?= 2
PY := /usr/bin/python3
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm \
  -DPython3_EXECUTABLE=$(PY) -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache

.PHONY: deps configure build demo check clean

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt | deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

configure: deps $(BUILD)/build.ninja

build: configure
	@ninja -C $(BUILD) -j$(JOBS) --quiet

demo: build
	@$(PY) scripts/demo.py --build $(BUILD)

LIT := $(PY) /usr/lib/llvm-19/build/utils/lit/lit.py

# Each runner prints its own summary line last: lit, GoogleTest, pytest. ThreadSanitizer maps
# its shadow memory at fixed places, so its test runs without address randomisation where the
# host allows it: a kernel's wide mmap randomisation cannot collide with it.
check: build
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

clean:
	rm -rf $(BUILD)
