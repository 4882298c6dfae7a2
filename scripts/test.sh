#!/usr/bin/env bash
# Runs every test: Swift unit tests, the Node SDK tests, and the end-to-end tests that
# drive the real release binary with real clients (curl, nghttp, h2load, grpcio, mcp).
# Run scripts/setup.sh once before. Every step has an overall time limit, so a hang fails
# loudly instead of stalling CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

step() { printf '\n=== %s ===\n' "$*" >&2; }

step "build release binary"
./scripts/build.sh
# The native gRPC benchmark backend (Benchmarks/OctobusBench): `octobus bench` tests load it.
swift build -c release --product OctobusBench

step "Swift unit tests"
timeout 900 swift test

step "Node SDK tests"
timeout 900 node --test sdk/test/

step "end-to-end tests"
export OCTOBUS_BIN="$PWD/.build/release/octobus"
timeout 1800 .venv/bin/pytest -q -p no:cacheprovider --timeout 300 Tests/e2e sdk/test/py

step "HTTP/1.1 parser fuzzing (smoke run)"
timeout 600 ./scripts/fuzz-http1.sh 20

echo "all tests passed" >&2
