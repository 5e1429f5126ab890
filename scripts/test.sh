#!/usr/bin/env bash
# The whole suite (`make test`): one bundled Neo4j per pytest worker, then pytest on all workers.
#
#   TEST_WORKERS      pytest-xdist workers (default 2, one per core of CI's machine; 1 = no xdist)
#   TEST_NEO4J_PORT   Bolt port of worker 0's Neo4j; worker i uses TEST_NEO4J_PORT + 10*i
#   TEST_NEO4J_DIR    data folder of worker 0's Neo4j; worker i uses TEST_NEO4J_DIR-i
#   PYTEST_ARGS       more pytest arguments (shell words, quotes kept)
#   TUPU_REQUIRE_NEO4J=1 (CI): a missing Java or Maven, or a Neo4j that does not start, fails at
#                     once instead of skipping the Neo4j tests.
#
# Each worker's tests see only their own Neo4j (tests/conftest.py reads TUPU_TEST_NEO4J_PORTS),
# so the tests that clear and load the database never meet another worker's. The servers are
# started one after the other (the first start builds the module with Maven and shows its
# progress; each start deadline counts from the launch of Java) and stopped when pytest ends,
# however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
WORKERS=${TEST_WORKERS:-2}
PORT0=${TEST_NEO4J_PORT:-7697}
DIR0=${TEST_NEO4J_DIR:-$PWD/.tupu/test-neo4j}
REQUIRE=${TUPU_REQUIRE_NEO4J:-0}

neo4j_dir() { if [ "$1" = 0 ]; then echo "$DIR0"; else echo "$DIR0-$1"; fi; }
neo4j_port() { echo $((PORT0 + 10 * $1)); }
neo4j_cmd() {  # neo4j_cmd WORKER start|stop
  local port; port=$(neo4j_port "$1")
  TUPU_DATA_DIR=$(neo4j_dir "$1") TUPU_NEO4J_BOLT_PORT=$port \
    TUPU_NEO4J_URI=bolt://127.0.0.1:$port "$BIN/tupu" neo4j "$2"
}

started=()
stop_all() {
  for i in "${started[@]}"; do neo4j_cmd "$i" stop >/dev/null || true; done
}
trap stop_all EXIT

ports=""
if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  for ((i = 0; i < WORKERS; i++)); do
    if neo4j_cmd "$i" start; then
      started+=("$i")
      ports="${ports:+$ports,}$(neo4j_port "$i")"
    elif [ "$REQUIRE" = 1 ]; then
      echo "make test: Neo4j was required (TUPU_REQUIRE_NEO4J=1) but did not start; see the lines above and $(neo4j_dir "$i")/neo4j/server.log" >&2
      exit 1
    else
      echo "make test: Neo4j did not start (see above): Neo4j tests will be skipped" >&2
      ports=""
      break
    fi
  done
elif [ "$REQUIRE" = 1 ]; then
  echo "make test: Java 17 and Maven are needed to start Neo4j (TUPU_REQUIRE_NEO4J=1)" >&2
  exit 1
else
  echo "make test: Java or Maven missing: Neo4j tests will be skipped" >&2
fi

# worker 0's server is also the default; when none started, nothing listens there and the Neo4j
# tests skip (or fail under TUPU_REQUIRE_NEO4J=1)
export TUPU_NEO4J_URI=bolt://127.0.0.1:$PORT0 TUPU_NEO4J_BOLT_PORT=$PORT0
if [ -n "$ports" ]; then export TUPU_TEST_NEO4J_PORTS=$ports; else unset TUPU_TEST_NEO4J_PORTS; fi

if [ "$WORKERS" -gt 1 ]; then
  xdist=(-n "$WORKERS" --dist worksteal)
else
  xdist=(-p no:xdist)
fi
eval "extra=(${PYTEST_ARGS:-})"
"$BIN/pytest" -m 'not bench' "${xdist[@]}" "${extra[@]}"
