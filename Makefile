# tupu — set-up, demo and tests. `make demo` and `make test` each do all the set-up they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Neo4j for the tests: a bundled server (neo4j-server/) in its own data folder and port
TEST_NEO4J_DIR  ?= $(CURDIR)/.tupu/test-neo4j
TEST_NEO4J_PORT ?= 7697

.PHONY: setup demo test test-fast browser-deps neo4j-start neo4j-stop generate benchmarks typecheck clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/tupu demo

# The browser tests drive Debian's chromium (never a downloaded browser) with a CJK font;
# installed with apt when missing (as root, else through sudo), skipped when already there.
browser-deps:
	@if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk; \
	fi

# The whole suite. Neo4j is started when Java and Maven are there (always in CI, where
# TUPU_REQUIRE_NEO4J=1 turns a missing Neo4j into a failure instead of a skip).
test: setup browser-deps
	@set -e; \
	export TUPU_NEO4J_URI=bolt://127.0.0.1:$(TEST_NEO4J_PORT) TUPU_NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT); \
	started=0; \
	if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
	  TUPU_DATA_DIR=$(TEST_NEO4J_DIR) $(BIN)/tupu neo4j start && started=1; \
	elif [ "$${TUPU_REQUIRE_NEO4J:-0}" = 1 ]; then \
	  echo "Java 17 and Maven are needed to start Neo4j (TUPU_REQUIRE_NEO4J=1)"; exit 1; \
	else \
	  echo "Java or Maven missing: Neo4j tests will be skipped"; \
	fi; \
	status=0; $(BIN)/pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$started = 1 ]; then TUPU_DATA_DIR=$(TEST_NEO4J_DIR) $(BIN)/tupu neo4j stop || true; fi; \
	exit $$status

test-fast: setup
	$(BIN)/pytest -m 'not slow and not neo4j' $(PYTEST_ARGS)

generate: setup
	$(BIN)/python data/generate_sample.py
	$(BIN)/python -m tupu.ontology.generate

typecheck: setup
	scripts/typecheck.sh

clean:
	rm -rf $(VENV) .tupu .pytest_cache .mypy_cache *.egg-info neo4j-server/target
