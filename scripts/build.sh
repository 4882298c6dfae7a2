#!/usr/bin/env bash
# Builds the release binary .build/release/octobus, stamping version, commit and date.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(git describe --tags --exact-match 2>/dev/null || echo "dev")
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo "unknown")
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
swift build -c release --product octobus \
  -Xcc "-DOCTOBUS_VERSION=\"${version}\"" -Xcc "-DOCTOBUS_COMMIT=\"${commit}\"" -Xcc "-DOCTOBUS_DATE=\"${date}\"" "$@"
echo "built $(pwd)/.build/release/octobus (${version} ${commit})" >&2
