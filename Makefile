# zizhu — two commands on a fresh Debian 12 machine:
#   make run    install what is missing, build, start Kafka + services, load demo data
#   make test   the same set-up, then every test
# Others: make build | stop | bench | bench-rosters | bench-subsidy | bench-disbursement | bench-report | soak | fuzz | asan | format | clean

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test run console stop bench bench-rosters bench-subsidy bench-disbursement bench-report soak fuzz clean format asan

all: build

deps:
	@deploy/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test: unit, service (in-memory log) and system (real Kafka broker and
# real service processes, started and stopped by the tests themselves).
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure --timeout 900

# Local stack in .run/: Kafka on 127.0.0.1:9092, services on 7000-7005, the
# gateway and console on https://127.0.0.1:8443/.
run: build console
	@deploy/local/stack.sh up

# The web console (services/gateway/console/dist), built when Node.js >= 20 is here.
console:
	@if node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)' 2>/dev/null; then \
	  cd services/gateway/console && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && npm run --silent build -- --logLevel warn; \
	else echo "Node.js >= 20 not found: the console is not built (the gateway serves its API alone)"; fi

stop:
	@deploy/local/stack.sh down

# 100,000 registrations through gRPC against a real broker (own stack in .run/bench).
bench: build
	@deploy/local/bench.sh

# Import + cross-match of about 1,000,000 people (three rosters); BENCH_GROUPS=… to scale.
bench-rosters: build
	@deploy/local/roster_bench.sh

# An aid round for 1,000,000 students in 1,000 schools: time per phase (own broker).
bench-subsidy: build
	@$(BUILD_DIR)/tests/subsidy_round_bench

# 1,000,000 payments: recorded, funded, batched, exported, returned, reconciled (own broker).
bench-disbursement: build
	@$(BUILD_DIR)/tests/disbursement_bench

# The quarterly city report for 1,000,000 students read from a real broker.
bench-report: build
	@$(BUILD_DIR)/tests/report_bench

# libFuzzer (clang, ASan + UBSan) on CSV/encoding, XLSX and cell/row parsing; FUZZ_SECONDS=60 each.
fuzz:
	@deploy/fuzz.sh

# Registrations under load with SIGKILL + restart every few seconds; SOAK_SECONDS=300.
soak: build
	$(BUILD_DIR)/tests/registry_soak

asan:
	$(MAKE) test BUILD_DIR=build-asan CMAKE_FLAGS="-DZIZHU_SANITIZE=ON -DZIZHU_BENCHMARKS=OFF" BUILD_TYPE=Debug

format:
	find services tools tests -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz
