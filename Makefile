# OpenArc's entry points. `make serve` and `make test` install what is missing first.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps build serve test test-release test-asan clean

deps:
	@bash scripts/install-deps.sh

build:
	@cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPENARC_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS) --target openarc

serve: deps build
	./build/openarc inspect models/stories260K

# Every test: the release build's suites, then the whole suite again under ASan + UBSan.
test: deps test-release test-asan

test-release:
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DOPENARC_TESTS=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build build -j $(JOBS)
	cd build && ctest --output-on-failure -j $(JOBS)

test-asan:
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPENARC_TESTS=ON -DOPENARC_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf build build-asan build-fuzz
