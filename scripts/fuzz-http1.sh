#!/usr/bin/env bash
# Fuzzes the HTTP/1.1 request parser with libFuzzer (+ AddressSanitizer) for N seconds
# (default 300). Crashes are written to fuzz/FailCases/http1/ (commit minimised ones so
# they stay regression inputs); the seed corpus is fuzz/corpus/http1/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
out=.build/fuzz
mkdir -p "$out" "$out/corpus-http1" fuzz/FailCases/http1
sources=(
  fuzz/HTTP1Parser/FuzzTarget.swift
  Sources/Runtime/HTTP/HTTP1/HTTP1RequestParser.swift
  Sources/Runtime/HTTP/HTTP1/HTTP1ParseError.swift
  Sources/Runtime/HTTP/HTTP1/HTTP1Limits.swift
  Sources/Runtime/HTTP/HTTPHeaders.swift
)
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name HTTP1Fuzz "${sources[@]}" -o "$out/fuzz-http1"
# Replay committed failing inputs first: each must now pass.
for case in fuzz/FailCases/http1/*; do
  [ -f "$case" ] && "$out/fuzz-http1" "$case" >/dev/null 2>&1 || { [ -f "$case" ] && { echo "regression: $case" >&2; exit 1; }; }
done
"$out/fuzz-http1" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  -artifact_prefix=fuzz/FailCases/http1/ "$out/corpus-http1" fuzz/corpus/http1 2>&1 | tail -25
