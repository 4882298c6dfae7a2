#!/usr/bin/env bash
# Installs what the Node SDK publishes (package.json, README and its "files" list, as npm pack
# selects them; no tests, no node_modules) into DEST, replacing what was there. The daemon finds
# DEST=<binary dir>/sdk or <prefix>/share/octobus/sdk by itself; elsewhere pass
# `octobus serve --sdk-dir DEST` or set OCTOBUS_SDK_DIR.
set -euo pipefail
dest=${1:?usage: scripts/install-sdk.sh DEST}
cd "$(dirname "$0")/../sdk"
mapfile -t entries < <(node -e '
  const p = require("./package.json");
  const files = (p.files || []).map((f) => f.replace(/\/+$/, ""));
  console.log(["package.json", ...files].join("\n"));')
tmp="${dest%/}.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
for entry in "${entries[@]}"; do
  [ -e "$entry" ] && cp -R --parents "$entry" "$tmp/"
done
rm -rf "$dest"
mv "$tmp" "$dest"
