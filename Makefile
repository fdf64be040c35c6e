# Parcours: the two commands are `make run` and `make test` (see README.md).
BUILD_DIR ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: deps configure build run test bench format clean crosscheck

deps:
	@bash scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@bash scripts/run-demo $(BUILD_DIR)

test: build
	@bash scripts/run-tests $(BUILD_DIR)

bench: build
	@bash bench/run-all $(BUILD_DIR)

crosscheck: build
	@bash scripts/crosscheck $(BUILD_DIR)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
