# Thin wrapper over the CMake presets: `make run` and `make test`.
JOBS ?= $(shell nproc)

.PHONY: run test test-release test-debug deps build build-debug format \
	format-check clean

run: build
	./build/release/harness/lapbench probe

test: test-release

test-release: build
	ctest --preset release -j $(JOBS)

test-debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)
	ctest --preset debug -j $(JOBS)

deps:
	./scripts/install-deps.sh

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
