#!/usr/bin/env python3
"""Oracle for OctoBus's OpenAPI documents and YAML writer (driven by the Swift tests in
Tests/ProtocolsTests/OpenAPI).

Usage: openapi_check.py [--yaml-only] DOC.json DOC.yaml [DOC.json DOC.yaml ...]

For each pair: the JSON must be a valid OpenAPI 3.1 document according to the real
openapi-spec-validator (unless --yaml-only), and PyYAML must read the YAML back as exactly the
JSON value (same key order, same types: a YAML reader that took "yes" for true, "1e3" for a
string or "200" for an integer fails). Exits 1 on any failure, naming it; 2 when a tool is
missing (the Swift test reports that as a failure, never a skip).
"""

import json
import sys

try:
    import yaml
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename  # noqa: F401  (import check)
except ImportError as error:  # pragma: no cover - reported to the Swift test
    print(f"missing Python dependency: {error}; install Tests/requirements.txt into .venv", file=sys.stderr)
    sys.exit(2)


def strict_equal(a, b, path="$"):
    """None when a and b are the same JSON value, else where they differ."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None if type(a) is type(b) and a == b else f"{path}: {a!r} != {b!r}"
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return None if a == b else f"{path}: {a!r} != {b!r}"
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r} != {type(b).__name__} {b!r}"
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            return f"{path}: keys {list(a.keys())} != {list(b.keys())}"
        for key in a:
            difference = strict_equal(a[key], b[key], f"{path}.{key}")
            if difference:
                return difference
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for index, (x, y) in enumerate(zip(a, b)):
            difference = strict_equal(x, y, f"{path}[{index}]")
            if difference:
                return difference
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def main(argv):
    yaml_only = False
    if argv and argv[0] == "--yaml-only":
        yaml_only = True
        argv = argv[1:]
    if not argv or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 2
    failures = 0
    for json_path, yaml_path in zip(argv[0::2], argv[1::2]):
        with open(json_path, encoding="utf-8") as f:
            document = json.load(f)
        if not yaml_only:
            try:
                validate(document)
            except Exception as error:  # the validator's own error types vary by version
                print(f"FAIL {json_path}: not valid OpenAPI: {error}")
                failures += 1
                continue
        with open(yaml_path, encoding="utf-8") as f:
            loaded = yaml.safe_load(f)
        difference = strict_equal(document, loaded)
        if difference:
            print(f"FAIL {yaml_path}: YAML reads back differently at {difference}")
            failures += 1
            continue
        print(f"ok {json_path}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
