# Thin wrapper over the CMake presets: `make run` and `make test`.
JOBS ?= $(shell nproc)
# ccache speeds up rebuilds where it is installed; nothing needs it.
LAUNCHER := $(shell command -v ccache 2>/dev/null)
CONFIGURE_FLAGS := $(if $(LAUNCHER),-DCMAKE_CXX_COMPILER_LAUNCHER=$(LAUNCHER))

.PHONY: run test test-release test-debug test-fuzz test-bench deps build \
	build-debug format format-check clean fuzz

run: build
	./build/release/harness/lapbench probe

# Everything CI runs: the format check, the release test suite, the same
# suite built with AddressSanitizer and UBSan, a short fuzzing run of the
# GGUF reader, and a short benchmark compared with the committed baselines.
test: format-check test-release test-debug test-fuzz test-bench

test-release: build
	ctest --preset release -j $(JOBS)

test-debug: build-debug
	ctest --preset debug -j $(JOBS)

# Kernel and engine benchmarks against results/baselines/ (docs/compare.md):
# the verdicts are printed; only unusable output or a failed case fails.
test-bench: build
	./scripts/ci-bench.sh

deps:
	./scripts/install-deps.sh

build: deps
	cmake --preset release $(CONFIGURE_FLAGS) >/dev/null
	cmake --build --preset release -j $(JOBS)

build-debug: deps
	cmake --preset debug $(CONFIGURE_FLAGS) >/dev/null
	cmake --build --preset debug -j $(JOBS)

test-fuzz: deps
	./scripts/fuzz-gguf.sh 20

# The GGUF reader under libFuzzer for FUZZ_SECONDS (build/fuzz).
FUZZ_SECONDS ?= 30
fuzz: deps
	./scripts/fuzz-gguf.sh $(FUZZ_SECONDS)

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check: deps
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
