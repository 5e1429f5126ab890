# tupu — set-up, demo and tests. `make demo` and `make test` each do all the set-up they need.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Neo4j for the tests: a bundled server (neo4j-server/) in its own data folder and port
TEST_NEO4J_DIR  ?= $(CURDIR)/.tupu/test-neo4j
TEST_NEO4J_PORT ?= 7697
export TEST_NEO4J_DIR TEST_NEO4J_PORT TEST_WORKERS PYTEST_ARGS

.PHONY: setup lock demo test test-fast browser-deps neo4j-start neo4j-stop generate benchmarks typecheck clean

setup: $(STAMP)

# Dependencies come from the lock file (exact versions and hashes, runtime + dev); tupu itself is
# installed editable on top without resolving anything again. `make lock` regenerates the lock from
# pyproject.toml; docs/security.md says how to audit it.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: setup
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu -o requirements.lock

demo: setup
	$(BIN)/tupu demo

# The whole suite (scripts/test.sh; about 7 minutes, README "Quick start"): TEST_WORKERS pytest-xdist
# workers (default 2), each with a bundled Neo4j of its own, started when Java and Maven are there
# (a first build downloads it and shows Maven's progress; the start deadline counts from the launch). In CI TUPU_REQUIRE_NEO4J=1 turns a missing or failed Neo4j
# into a failure before any test runs, instead of skipped Neo4j tests. Tests marked `bench`
# (scale checks) are left out: run them with `.venv/bin/pytest -m bench`.
# The browser tests drive Debian's chromium (never a downloaded browser) with a CJK font;
# installed with apt when missing (as root, else through sudo), skipped when already there.
browser-deps:
	@if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then :; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk; \
	fi

test: setup browser-deps
	BIN=$(BIN) scripts/test.sh

test-fast: setup
	$(BIN)/pytest -m 'not slow and not neo4j and not bench' $(PYTEST_ARGS)

generate: setup
	$(BIN)/python data/generate_sample.py
	$(BIN)/python -m tupu.ontology.generate

typecheck: setup
	scripts/typecheck.sh

clean:
	rm -rf $(VENV) .tupu .pytest_cache .mypy_cache *.egg-info neo4j-server/target
