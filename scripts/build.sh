#!/usr/bin/env bash
# Builds the release binary .build/release/octobus, stamping version, commit and date, and
# installs the Node SDK beside it (.build/release/sdk): the SDK the daemon gives packages that
# depend on @chaitin-ai/octobus-sdk, found from the binary's own path. To deploy, copy the
# binary and its sdk/ directory together (or <prefix>/bin/octobus with <prefix>/share/octobus/sdk).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(git describe --tags --exact-match 2>/dev/null || echo "dev")
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo "unknown")
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
swift build -c release --product octobus \
  -Xcc "-DOCTOBUS_VERSION=\"${version}\"" -Xcc "-DOCTOBUS_COMMIT=\"${commit}\"" -Xcc "-DOCTOBUS_DATE=\"${date}\"" "$@"
bin_dir=$(swift build -c release --show-bin-path)
./scripts/install-sdk.sh "$bin_dir/sdk"
echo "built $(pwd)/.build/release/octobus (${version} ${commit}) with the SDK in .build/release/sdk" >&2
