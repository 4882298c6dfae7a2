#!/usr/bin/env bash
# Installs everything OctoBus needs on Debian 12 to build, run and test:
# system libraries and tools (apt), Node.js when missing, and a Python venv with the
# real test clients (grpcio, mcp, httpx, pytest). Idempotent; run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  libuv1-dev libnghttp2-dev libsqlite3-dev zlib1g-dev pkg-config   # C libraries the build links
  protobuf-compiler libprotobuf-dev                                  # protoc + well-known .proto files
  git curl ca-certificates unzip zip                                 # import sources
  nghttp2-client nghttp2-server                                      # nghttp/h2load, nghttpd (tests, benchmarks)
  python3-venv                                                       # test clients
  chromium                                                           # renders `octobus bench --html` reports in tests
)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node.js and npm run service packages; keep an existing install (e.g. NodeSource) untouched.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift (6.x) is required on PATH; install a Swift toolchain from swift.org" >&2
  exit 1
fi

# Python venv with the real clients used by the end-to-end tests.
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r Tests/requirements.txt
echo "setup: done" >&2
