#!/usr/bin/env python3
"""Oracle for OctoBus's MCP pieces (driven by Tests/ProtocolsTests/MCP/MCPInteropTests.swift),
built on the official Python MCP SDK (mcp 2.3.0 / mcp_types 2.3.0, Tests/requirements.txt) and
on the independent `jsonschema` validator it uses.

Usage: mcp_check.py CHECKS.json, where CHECKS holds
  "results":  [{"name", "model": "2025_11_25:InitializeResult" | "2026_07_28:DiscoverResult" | …, "json"}]
      each must validate against that wire model of the SDK (generated from the MCP schema);
  "requests": [{"name", "body", "headers": [[name, value], …], "swift": {"code": int|null, "data": …}}]
      stateless-era requests: the SDK's own server-side ladder (find_duplicated_routing_header,
      then classify_inbound_request) must reach the same verdict as Swift (error code and data,
      or acceptance);
  "schemas":  [{"name", "schema", "valid": [...], "invalid": [...]}]
      each schema must be a valid draft 2020-12 schema, accept every "valid" instance and
      refuse every "invalid" one, according to jsonschema's Draft202012Validator.
Prints each failure and exits 1 if there is any; 2 if a dependency is missing.
"""

import importlib
import json
import sys

try:
    from jsonschema import Draft202012Validator
    from mcp.shared.inbound import (
        InboundLadderRejection,
        classify_inbound_request,
        find_duplicated_routing_header,
    )
    from mcp_types.jsonrpc import HEADER_MISMATCH
except ImportError as error:  # pragma: no cover - reported to the Swift test
    print(f"missing Python dependency: {error}; install Tests/requirements.txt into .venv", file=sys.stderr)
    sys.exit(2)


def check_results(results, failures):
    for item in results:
        version, cls = item["model"].split(":")
        module = importlib.import_module(f"mcp_types._v{version}")
        try:
            getattr(module, cls).model_validate(item["json"])
        except Exception as error:  # pydantic.ValidationError and friends
            failures.append(f"{item['name']}: not a valid {item['model']}: {error}")


def check_requests(requests, failures):
    for item in requests:
        headers = [(name, value) for name, value in item["headers"]]
        duplicated = find_duplicated_routing_header(headers)
        if duplicated is not None:
            code, data = HEADER_MISMATCH, None
        else:
            folded = {name.lower(): value.strip() for name, value in headers}
            verdict = classify_inbound_request(item["body"], headers=folded)
            if isinstance(verdict, InboundLadderRejection):
                code, data = verdict.code, verdict.data
            else:
                code, data = None, None
        swift = item["swift"]
        if swift.get("code") != code or (code is not None and swift.get("data") != data):
            failures.append(
                f"{item['name']}: the SDK answers code={code} data={data}, Swift code={swift.get('code')} "
                f"data={swift.get('data')}")


def check_schemas(schemas, failures):
    for item in schemas:
        try:
            Draft202012Validator.check_schema(item["schema"])
        except Exception as error:
            failures.append(f"{item['name']}: not a valid draft 2020-12 schema: {error}")
            continue
        validator = Draft202012Validator(item["schema"])
        for index, instance in enumerate(item.get("valid", [])):
            errors = list(validator.iter_errors(instance))
            if errors:
                failures.append(f"{item['name']}: valid instance #{index} refused: {errors[0].message} "
                                f"at {list(errors[0].absolute_path)}: {json.dumps(instance)[:300]}")
        for index, instance in enumerate(item.get("invalid", [])):
            if validator.is_valid(instance):
                failures.append(f"{item['name']}: invalid instance #{index} accepted: {json.dumps(instance)[:300]}")


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        checks = json.load(f)
    failures = []
    check_results(checks.get("results", []), failures)
    check_requests(checks.get("requests", []), failures)
    check_schemas(checks.get("schemas", []), failures)
    total = sum(len(checks.get(key, [])) for key in ("results", "requests", "schemas"))
    for failure in failures:
        print("FAIL " + failure)
    print(f"{total - len(failures)} of {total} checks pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
