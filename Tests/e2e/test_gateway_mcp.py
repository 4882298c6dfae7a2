"""The MCP gateway end to end (SPEC §8.5, §9, §10, issue 10): the official Python `mcp` 2.x
client, unmodified, in both eras — the handshake era (`initialize`, mode="legacy") and the
stateless 2026-07-28 era (`server/discover`, mode="auto") — against real node instances:
tools listed across cursor pages, schemas, tool calls on the calculator and streaming
examples, failures as `isError` results, a server-streaming method as a tool with progress
notifications, a capset token as an HTTP header. Raw JSON-RPC with httpx covers what the
client never sends: notifications, ping, empty lists, version and header errors, HTTP errors."""

from __future__ import annotations

import json
import re

import anyio
import httpx
import pytest
from google.protobuf import json_format, message_factory
from jsonschema import Draft202012Validator
from mcp.shared.exceptions import MCPError

from support.connect import h2_oversized_post
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.gateway import CALCULATOR, PROBE, STREAMING, WIDE, shared_gateway
from support.mcp_client import (HANDSHAKE_VERSIONS, STATELESS, call, http, list_all_tools, mcp_client, post,
                                sse_messages, stateless_headers, stateless_params)
from support.processes import cli_json, wait_running
from support.util import wait_until

pytestmark = pytest.mark.timeout(300)

CAPSET_TOKEN = "mcp-cap-7c1e93b05a"
ERAS = ["legacy", "auto"]  # the SDK's names: initialize handshake / server/discover (2026-07-28)


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    """Capset `dev`: probe-1, streaming-1, calculator-1, wide-1 (120+ methods) and calculator-2
    (stopped by one test). Capset `locked`: calculator-1 behind a capset token."""
    with shared_gateway(tmp_path_factory, "mcp", services=("probe", "streaming", "calculator", "wide"),
                        extra_instances=[("calculator-2", "calculator")]) as gateway:
        d = gateway.daemon
        cli_json(d, "capset", "create", "locked")
        cli_json(d, "capset", "add-instance", "locked", "calculator-1")
        assert d.cli("capset", "add-token", "locked", "t1", "--token", CAPSET_TOKEN).returncode == 0
        yield gateway


def snake(name: str) -> str:
    """SPEC §8.5's snake case of a method name."""
    out = ""
    for index, char in enumerate(name):
        if char.isupper():
            out += ("_" if index and not out.endswith("_") else "") + char.lower()
        elif char in "- ./":
            out += "" if out.endswith("_") or not out else "_"
        else:
            out += char
    return out.strip("_")


def expected_tools(gateway, capset_instances=None) -> list[tuple[str, object]]:
    """(tool name, method descriptor) of every unary and server-streaming method of the
    capset's instances, in SPEC §8.5 order (service id, instance id, method full name)."""
    rows = []
    for instance, service in gateway.instances.items():
        if capset_instances is not None and instance not in capset_instances:
            continue
        for file in gateway.descriptors[service].fds.file:
            for svc in file.service:
                for method in svc.method:
                    if method.client_streaming:
                        continue
                    full = f"{file.package}.{svc.name}/{method.name}"
                    rows.append(((service, instance, full), f"{service}__{instance}__{snake(method.name)}",
                                 gateway.method(instance, full)))
    return [(name, method) for _, name, method in sorted(rows, key=lambda row: row[0])]


def canonical(method_descriptor, value: dict, output: bool = True) -> dict:
    """What python protobuf's json_format makes of `value` as the method's response (or request):
    canonical ProtoJSON (jsonName keys, defaults omitted, int64 as strings)."""
    descriptor = method_descriptor.output_type if output else method_descriptor.input_type
    message = json_format.ParseDict(value, message_factory.GetMessageClass(descriptor)())
    return json_format.MessageToDict(message)


def run(coroutine_function, *args):
    return anyio.run(coroutine_function, *args)


def leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups, or the exception itself."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


def tool_error(result) -> dict:
    """The error object of an `isError` tool result (structuredContent and the text agree)."""
    assert result.is_error is True, result
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content["error"]


# -- the SDK client in both eras -------------------------------------------------------

@pytest.mark.parametrize("mode", ERAS)
def test_the_sdk_client_lists_every_tool_across_pages_with_schemas(gw, mode):
    expected = expected_tools(gw)
    assert len(expected) > 100

    async def main():
        async with mcp_client(gw.mcp_url(), mode) as client:
            if mode == "legacy":
                assert client.protocol_version == "2025-11-25" and client.session.initialize_result is not None
                assert client.server_info.name == "octobus"
            else:
                assert client.protocol_version == STATELESS and client.session.discover_result is not None
                assert client.session.discover_result.supported_versions == [STATELESS]
            assert client.server_capabilities.tools is not None
            return await list_all_tools(client)

    tools, cursors = run(main)
    assert len(cursors) == (len(expected) - 1) // 100, "pages of 100 tools"
    names = [tool.name for tool in tools]
    assert len(names) == len(set(names)), "a tool appeared twice"
    assert names == [name for name, _ in expected]
    by_name = {tool.name: tool for tool in tools}
    for name, method in expected:
        tool = by_name[name]
        assert tool.input_schema["type"] == "object", name
        Draft202012Validator.check_schema(tool.input_schema)
        assert tool.output_schema is not None and tool.output_schema["type"] == "object", name
        Draft202012Validator.check_schema(tool.output_schema)
        level = method.GetOptions().idempotency_level
        hints = tool.annotations and (tool.annotations.read_only_hint, tool.annotations.idempotent_hint)
        assert hints == {0: None, 1: (True, None), 2: (None, True)}[level], name
    # Descriptions are the proto comments; inputSchema keys are proto field names.
    add = by_name["calculator__calculator-1__add"]
    assert add.description == "Add returns left + right."
    assert add.input_schema["properties"] == {"left": {"type": "number"}, "right": {"type": "number"}}
    assert set(add.output_schema["properties"]) >= {"result", "serviceId", "instanceId"}
    assert by_name[f"wide__wide-1__op007"].description == f"{WIDE}/Op007"
    assert "fail_code" in by_name["probe__probe-1__echo"].input_schema["properties"]
    expand = by_name["streaming__streaming-1__expand"]
    assert expand.description.startswith("Expand streams `count` responses with index 1..count.")
    assert "Server-streaming method" in expand.description
    assert expand.output_schema["required"] == ["messages", "complete"]
    # Client- and bidi-streaming methods are not tools.
    assert not {"streaming__streaming-1__collect", "streaming__streaming-1__chat", "probe__probe-1__relay"} & set(names)


@pytest.mark.parametrize("mode", ERAS)
def test_the_sdk_client_calls_tools_and_failures_are_is_error(gw, mode):
    async def main():
        async with mcp_client(gw.mcp_url(), mode) as client:
            await list_all_tools(client)  # the client validates results against the listed outputSchema
            out = {}
            out["add"] = await client.call_tool("calculator__calculator-1__add", {"left": 20, "right": 22.5})
            out["sub"] = await client.call_tool("calculator__calculator-1__subtract", {"left": 1, "right": 3})
            out["echo"] = await client.call_tool("streaming__streaming-1__echo", {"text": "hi", "count": 3})
            out["expand"] = await client.call_tool("streaming__streaming-1__expand", {"text": "x", "count": 5})
            out["empty"] = await client.call_tool("wide__wide-1__op042", None)
            out["backend"] = await client.call_tool("probe__probe-1__echo", {"fail_code": 7, "fail_message": "nope"})
            out["throw"] = await client.call_tool("probe__probe-1__echo", {"text": "throw"})
            out["unhandled"] = await client.call_tool("probe__probe-1__unhandled", {})
            out["unknown_field"] = await client.call_tool("calculator__calculator-1__add", {"left": 1, "nope": 2})
            out["bad_type"] = await client.call_tool("calculator__calculator-1__add", {"left": "one", "right": 2})
            out["no_tool"] = await client.call_tool("calculator__calculator-1__divide", {"left": 1})
            out["invalid_in_handler"] = await client.call_tool("calculator__calculator-1__add", {"left": "Infinity"})
            return out

    out = run(main)
    add = out["add"]
    assert add.is_error is False
    assert add.structured_content == {"result": 42.5, "serviceId": "calculator", "instanceId": "calculator-1",
                                      "label": "gw", "secretToken": "s3cr3t-tok"}
    assert [c.type for c in add.content] == ["text"] and json.loads(add.content[0].text) == add.structured_content
    assert out["sub"].structured_content["result"] == -2
    assert out["echo"].structured_content == {"text": "hi", "index": 3, "serviceId": "streaming",
                                              "instanceId": "streaming-1", "label": "gw", "secretToken": "s3cr3t-tok"}
    expand = out["expand"].structured_content
    assert expand["complete"] is True and [m["index"] for m in expand["messages"]] == [1, 2, 3, 4, 5]
    assert all(m["text"] == "x" and m["instanceId"] == "streaming-1" for m in expand["messages"])
    assert out["empty"].structured_content == {"text": "Op042:", "index": 42}
    assert tool_error(out["backend"]) == {"code": "PERMISSION_DENIED", "message": "nope", "details": {}}
    assert tool_error(out["throw"]) == {"code": "INTERNAL", "message": "plain failure", "details": {}}
    unhandled = tool_error(out["unhandled"])
    assert unhandled["code"] == "UNIMPLEMENTED" and "Unhandled is not implemented by package" in unhandled["message"]
    for key in ("unknown_field", "bad_type"):
        error = tool_error(out[key])
        assert error["code"] == "INVALID_ARGUMENT", (key, error)
    assert "nope" in tool_error(out["unknown_field"])["message"]
    assert tool_error(out["no_tool"]) == {"code": "NOT_FOUND", "message": "tool not found", "details": {}}
    assert tool_error(out["invalid_in_handler"]) == {
        "code": "INVALID_ARGUMENT", "message": "left and right must be finite numbers", "details": {}}


RICH = {
    "text": "héllo ✓", "big": "-9007199254740993", "ubig": "18446744073709551615", "ratio": 0.25, "flag": True,
    "blob": "AAEC/w==", "color": "COLOR_BLUE", "tags": ["a", "b"], "counts": {"x": "1", "y": "-2"},
    "inner": {"name": "n", "values": [1, -2, 3]}, "inners": [{"name": "i1"}, {"values": [7]}],
    "when": "2024-01-02T03:04:05.123Z", "took": "5.250s", "extra": {"k": [1, "two", None, {"b": False}]},
    "maybe": 0, "number": 17, "custom_field": "c", "small": 1.5, "signed": -5, "fixed": "12345",
    "by_id": {"3": {"name": "three"}}, "colors": ["COLOR_RED", "COLOR_BLUE"],
}


@pytest.mark.parametrize("mode", ERAS)
def test_every_field_kind_round_trips_and_validates_against_the_schemas(gw, mode):
    mirror = gw.method("wide-1", f"{WIDE}/Mirror")

    async def main():
        async with mcp_client(gw.mcp_url(), mode) as client:
            tools, _ = await list_all_tools(client)
            tool = next(t for t in tools if t.name == "wide__wide-1__mirror")
            result = await client.call_tool(tool.name, RICH)
            return tool, result

    tool, result = run(main)
    Draft202012Validator(tool.input_schema).validate(RICH)
    assert result.is_error is False
    expected = canonical(mirror, RICH)
    assert result.structured_content == expected
    assert expected["customAlias"] == "c" and expected["maybe"] == 0 and expected["big"] == "-9007199254740993"
    Draft202012Validator(tool.output_schema).validate(result.structured_content)
    # The schema is not vacuous: a wrong type in the response is refused.
    assert not Draft202012Validator(tool.output_schema).is_valid({**expected, "flag": "yes"})


@pytest.mark.parametrize("mode", ERAS)
def test_a_server_streaming_tool_reports_progress_per_message(gw, mode):
    async def main():
        progress = []

        async def on_progress(value, total, message):
            progress.append((value, total, message))

        async with mcp_client(gw.mcp_url(), mode) as client:
            await list_all_tools(client)
            result = await client.call_tool("streaming__streaming-1__expand", {"text": "p", "count": 4},
                                            progress_callback=on_progress)
            capped = await client.call_tool("streaming__streaming-1__expand", {"text": "c", "count": 1500})
            failed = await client.call_tool("wide__wide-1__count", {"count": 2, "fail_code": 9, "fail_message": "stop"},
                                            progress_callback=on_progress)
            return progress, result, capped, failed

    progress, result, capped, failed = run(main)
    messages = result.structured_content["messages"]
    assert result.is_error is False and result.structured_content["complete"] is True
    assert [m["index"] for m in messages] == [1, 2, 3, 4]
    assert [p[0] for p in progress[:4]] == [1, 2, 3, 4]
    assert [json.loads(p[2]) for p in progress[:4]] == messages
    # Past 1000 messages the stream is cut and `complete` is false.
    assert capped.is_error is False and capped.structured_content["complete"] is False
    assert [m["index"] for m in capped.structured_content["messages"]] == list(range(1, 1001))
    # A stream that fails after two messages: progress for both, then an isError result.
    assert [json.loads(p[2])["index"] for p in progress[4:]] == [1, 2]
    assert tool_error(failed) == {"code": "FAILED_PRECONDITION", "message": "stop", "details": {}}


def test_a_large_streaming_result_fits_one_event_and_a_slow_stream_keeps_what_arrived(gw):
    """With progress the result is a server-sent event, and the SDK refuses events over 1 MiB:
    the byte cap keeps the doubled result (structured + text) under it. A stream still
    running at the 30 s deadline answers with the messages that arrived, `complete` false."""
    async def main():
        progress = []

        async def on_progress(value, total, message):
            progress.append(value)

        async with mcp_client(gw.mcp_url(), "legacy") as client:
            large = await client.call_tool("probe__probe-1__firehose", {"count": 1000, "size": 3000},
                                           progress_callback=on_progress)
            slow = await client.call_tool("wide__wide-1__count", {"count": 40, "sleep_ms": 1000})
            return progress, large, slow

    progress, large, slow = run(main)
    assert large.is_error is False and large.structured_content["complete"] is False
    kept = large.structured_content["messages"]
    assert 100 < len(kept) < 1000 and [m.get("index", 0) for m in kept] == list(range(len(kept)))
    assert len(json.dumps(kept, separators=(",", ":"))) <= 448 << 10 and progress[:len(kept)] == list(range(1, len(kept) + 1))
    assert slow.is_error is False and slow.structured_content["complete"] is False
    assert 20 <= len(slow.structured_content["messages"]) < 40


@pytest.mark.parametrize("mode", ERAS)
def test_a_capset_token_sent_as_a_header(gw, mode):
    async def connect(headers):
        async with mcp_client(gw.mcp_url("locked"), mode, headers=headers) as client:
            tools, _ = await list_all_tools(client)
            result = await client.call_tool("calculator__calculator-1__add", {"left": 2, "right": 3})
            return [t.name for t in tools], result

    for headers in (None, {"Authorization": "Bearer wrong"}, {"Authorization": CAPSET_TOKEN}):
        with pytest.raises(BaseException) as info:
            run(connect, headers)
        errors = [e for e in leaves(info.value) if isinstance(e, MCPError)]
        assert [(e.error.code, e.error.message) for e in errors] == [(-32600, "capset token is required")], repr(info.value)
    names, result = run(connect, {"Authorization": f"Bearer {CAPSET_TOKEN}"})
    assert names == ["calculator__calculator-1__add", "calculator__calculator-1__subtract"]
    assert result.structured_content["result"] == 5
    # Raw: every request needs the token, with the JSON-RPC error body of SPEC §8.5.
    with http() as client:
        reply = call(client, gw.mcp_url("locked"), "tools/list")
        assert reply.status_code == 401
        assert reply.json() == {"jsonrpc": "2.0", "id": None,
                                "error": {"code": -32600, "message": "capset token is required"}}
        reply = call(client, gw.mcp_url("locked"), "tools/list", headers={"Authorization": f"bearer  {CAPSET_TOKEN}"})
        assert reply.status_code == 200 and len(reply.json()["result"]["tools"]) == 2
    logs = gw.daemon.log() + (gw.daemon.data_dir / "access.log").read_text()
    assert CAPSET_TOKEN not in logs


def test_the_handshake_client_pings(gw):
    async def main():
        async with mcp_client(gw.mcp_url(), "legacy") as client:
            with pytest.warns(Warning):
                return await client.send_ping()

    assert run(main) is not None


# -- raw JSON-RPC -------------------------------------------------------------------

def test_handshake_era_raw_requests(gw):
    url = gw.mcp_url()
    with http() as client:
        for version in HANDSHAKE_VERSIONS:
            reply = call(client, url, "initialize", {"protocolVersion": version, "capabilities": {},
                                                      "clientInfo": {"name": "t", "version": "1"}}, id_="a")
            assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/json")
            assert reply.json() == {"jsonrpc": "2.0", "id": "a", "result": {
                "protocolVersion": version, "serverInfo": {"name": "octobus", "version": "0.0.0"},
                "capabilities": {"tools": {}}}}
        assert call(client, url, "initialize", {"protocolVersion": "1999-01-01"}).json()["result"]["protocolVersion"] == \
            "2025-11-25"
        # Notifications: 202 and no body.
        reply = post(client, url, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        assert reply.status_code == 202 and reply.content == b""
        assert post(client, url, {"jsonrpc": "2.0", "method": "notifications/cancelled",
                                  "params": {"requestId": 1}}).status_code == 202
        assert call(client, url, "ping", id_=7).json() == {"jsonrpc": "2.0", "id": 7, "result": {}}
        assert call(client, url, "resources/list").json()["result"] == {"resources": []}
        assert call(client, url, "resources/templates/list").json()["result"] == {"resourceTemplates": []}
        assert call(client, url, "prompts/list").json()["result"] == {"prompts": []}
        assert call(client, url, "sampling/createMessage").json() == {
            "jsonrpc": "2.0", "id": 1, "error": {"code": -32600, "message": "unsupported MCP method"}}
        # tools/list pages: 100, then the rest; an unknown cursor is invalid params.
        first = call(client, url, "tools/list").json()["result"]
        second = call(client, url, "tools/list", {"cursor": first["nextCursor"]}).json()["result"]
        assert len(first["tools"]) == 100 and "nextCursor" not in second
        assert len(first["tools"]) + len(second["tools"]) == len(expected_tools(gw))
        error = call(client, url, "tools/list", {"cursor": "garbage"}).json()["error"]
        assert error["code"] == -32602 and error["message"] == "invalid cursor"
        # 2025-03-26 has no outputSchema; later versions do.
        old = call(client, url, "tools/list", headers={"MCP-Protocol-Version": "2025-03-26"}).json()["result"]["tools"]
        assert all("outputSchema" not in tool for tool in old) and all("outputSchema" in tool for tool in first["tools"])
        # A tools/call whose params are not an object with a name.
        result = call(client, url, "tools/call", {"arguments": {}}).json()["result"]
        assert result["isError"] is True and result["structuredContent"]["error"]["code"] == "INVALID_ARGUMENT"
        # Unknown or unbound capsets have no tools.
        result = call(client, gw.mcp_url("nope"), "tools/list").json()["result"]
        assert result["isError"] is True and result["structuredContent"]["error"] == {
            "code": "NOT_FOUND", "message": "capset not found", "details": {}}


def test_stateless_era_raw_requests(gw):
    url = gw.mcp_url()
    with http() as client:
        reply = call(client, url, "server/discover", stateless=True)
        assert reply.status_code == 200
        result = reply.json()["result"]
        assert result["supportedVersions"] == [STATELESS] and result["resultType"] == "complete"
        assert result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "octobus"
        for method, key, value in (("resources/list", "resources", []), ("resources/templates/list", "resourceTemplates", []),
                                   ("prompts/list", "prompts", [])):
            result = call(client, url, method, stateless=True).json()["result"]
            assert result[key] == value and result["resultType"] == "complete" and "ttlMs" in result, method
        tools = call(client, url, "tools/list", stateless=True).json()["result"]
        assert len(tools["tools"]) == 100 and tools["nextCursor"]
        # Notifications are accepted; ping and initialize do not exist in this revision.
        reply = post(client, url, {"jsonrpc": "2.0", "method": "notifications/cancelled",
                                   "params": stateless_params({"requestId": 1})}, headers=stateless_headers("notifications/cancelled"))
        assert reply.status_code == 202 and reply.content == b""
        for method in ("ping", "initialize"):
            reply = call(client, url, method, stateless=True)
            assert reply.status_code == 404 and reply.json()["error"]["code"] == -32601, method
        # An unsupported version: the revision's own error with what is supported.
        reply = post(client, url, {"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": stateless_params(version="2099-01-01")},
                     headers=stateless_headers("tools/list", version="2099-01-01"))
        assert reply.status_code == 400
        assert reply.json()["error"]["code"] == -32022
        assert reply.json()["error"]["data"] == {"supported": [STATELESS], "requested": "2099-01-01"}
        # Mcp-Method / Mcp-Name / MCP-Protocol-Version must agree with the body.
        mismatches = [
            ("tools/list", {}, {**stateless_headers("tools/list"), "Mcp-Method": "prompts/list"}),
            ("tools/call", {"name": "calculator__calculator-1__add"},
             stateless_headers("tools/call", name="calculator__calculator-1__subtract")),
            ("tools/call", {"name": "calculator__calculator-1__add"}, stateless_headers("tools/call")),
            ("tools/list", {}, {"MCP-Protocol-Version": STATELESS}),
            ("tools/list", {}, {**stateless_headers("tools/list"), "MCP-Protocol-Version": "2025-11-25"}),
        ]
        for method, params, headers in mismatches:
            reply = post(client, url, {"jsonrpc": "2.0", "id": 4, "method": method, "params": stateless_params(params)},
                         headers=headers)
            assert reply.status_code == 400 and reply.json()["error"]["code"] == -32020, (method, headers, reply.text)
        # The right headers (the name may be base64-wrapped) call the tool.
        reply = call(client, url, "tools/call", {"name": "calculator__calculator-1__add", "arguments": {"left": 1, "right": 1}},
                     stateless=True, name="calculator__calculator-1__add")
        result = reply.json()["result"]
        assert result["structuredContent"]["result"] == 2 and result["resultType"] == "complete"
        import base64
        wrapped = "=?base64?" + base64.b64encode(b"calculator__calculator-1__add").decode() + "?="
        reply = call(client, url, "tools/call", {"name": "calculator__calculator-1__add", "arguments": {"left": 2}},
                     stateless=True, name=wrapped)
        assert reply.json()["result"]["structuredContent"]["result"] == 2
        # _meta missing its capabilities → invalid params.
        reply = post(client, url, {"jsonrpc": "2.0", "id": 5, "method": "tools/list",
                                   "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": STATELESS}}},
                     headers=stateless_headers("tools/list"))
        assert reply.status_code == 400 and reply.json()["error"]["code"] == -32602


def test_http_level_errors(gw):
    import subprocess
    url = gw.mcp_url()
    with http() as client:
        reply = client.get(url)
        assert reply.status_code == 405 and reply.json() == {"error": "method not allowed"}
        reply = post(client, url, b"{not json")
        assert reply.status_code == 400
        assert reply.json() == {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid JSON"}}
        big = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": "probe__probe-1__echo", "arguments": {"text": "x" * (1 << 20)}}}
        reply = post(client, url, big)
        assert reply.status_code == 413
        assert reply.json()["error"] == {"code": -32600, "message": "request body too large"}
        # Batches are not served.
        reply = post(client, url, [{"jsonrpc": "2.0", "id": 1, "method": "ping"}])
        assert reply.status_code == 400 and reply.json()["error"]["code"] == -32600
    # The same over HTTP/2 (prior knowledge): the 413 is answered mid-upload.
    reply = h2_oversized_post(gw.daemon.port, "/capsets/dev/mcp", "application/json")
    assert reply.status == "413"
    assert json.loads(reply.body)["error"] == {"code": -32600, "message": "request body too large"}
    # curl over HTTP/2: a call, and errors answered after the body (curl 7.x fails a transfer
    # whose stream is reset while it uploads, even with NO_ERROR).
    for _ in range(20):
        out = subprocess.run(["curl", "-sS", "--noproxy", "*", "--http2-prior-knowledge", "-H", "content-type: application/json",
                              "-w", "\n%{http_code} %{http_version}", "-d", '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
                              gw.mcp_url("locked")], capture_output=True, timeout=60)
        assert out.returncode == 0 and out.stdout.decode().endswith("\n401 2"), out
    out = subprocess.run(["curl", "-sS", "--noproxy", "*", "--http2-prior-knowledge", "-H", "content-type: application/json",
                          "-d", '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"calculator__calculator-1__add",'
                          '"arguments":{"left":4,"right":5}}}', url], capture_output=True, timeout=60)
    assert json.loads(out.stdout)["result"]["structuredContent"]["result"] == 9


def test_web_pages_cannot_call_tools(gw):
    """A page the user visits must not reach tools of a tokenless capset: a cross-site
    simple request (text/plain, no preflight) is refused by content type, and any request
    with an Origin that is not the daemon itself — including DNS rebinding, where Origin and
    Host agree on a foreign name — is 403. Clients without Origin (agents, SDKs) and the
    daemon's own origin are served."""
    url = gw.mcp_url()
    call_add = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "calculator__calculator-1__add", "arguments": {"left": 1, "right": 2}}}
    own = f"http://127.0.0.1:{gw.daemon.port}"
    with http() as client:
        reply = post(client, url, call_add, headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
        assert reply.status_code in (403, 415), reply.text
        reply = post(client, url, call_add, headers={"Content-Type": "text/plain"})
        assert reply.status_code == 415 and "application/json" in reply.json()["error"]["message"]
        reply = post(client, url, call_add, headers={"Origin": "https://evil.example"})
        assert reply.status_code == 403 and "cross-site" in reply.json()["error"]["message"]
        rebound = f"evil.example:{gw.daemon.port}"
        reply = post(client, url, call_add, headers={"Origin": f"http://{rebound}", "Host": rebound})
        assert reply.status_code == 403 and "Host" in reply.json()["error"]["message"]
        reply = post(client, url, call_add, headers={"Origin": own})
        assert reply.status_code == 200 and reply.json()["result"]["structuredContent"]["result"] == 3
        reply = post(client, url, call_add, headers={"Content-Type": "Application/JSON; charset=utf-8"})
        assert reply.status_code == 200 and reply.json()["result"]["structuredContent"]["result"] == 3
        # The same rule guards the other capset routes, each in its own error format.
        reply = client.post(gw.connect_url("calculator-1", "calculator.v1.CalculatorService/Add"), content=b'{"left":1}',
                            headers={"Content-Type": "application/json", "Origin": "https://evil.example"})
        assert reply.status_code == 403 and reply.json()["code"] == "permission_denied"
        reply = client.get(gw.openapi_url(), headers={"Origin": f"http://{rebound}", "Host": rebound})
        assert reply.status_code == 403 and "Host" in reply.json()["error"]
    # Each refusal is an access-log line (status 403, the route), so the attempt shows.
    def refusals():
        lines = [json.loads(line) for line in (gw.daemon.data_dir / "access.log").read_text().splitlines()]
        return [(l["protocol"], l["http_status"], l["capset"]) for l in lines if l["http_status"] == 403]
    wait_until(lambda: len(refusals()) >= 4, timeout=5, message="403 lines in the access log")
    assert {("mcp", 403, "dev"), ("connect", 403, "dev"), ("openapi", 403, "dev")} <= set(refusals())


def test_progress_events_only_when_asked(gw):
    url = gw.mcp_url()
    args = {"name": "streaming__streaming-1__expand", "arguments": {"text": "e", "count": 3}}
    with http() as client:
        plain = call(client, url, "tools/call", args)
        assert plain.headers["content-type"].startswith("application/json")
        assert plain.json()["result"]["structuredContent"]["complete"] is True
        events = call(client, url, "tools/call", {**args, "_meta": {"progressToken": "tok-1"}})
        assert events.headers["content-type"].startswith("text/event-stream")
        messages = sse_messages(events.text)
        assert [m["method"] for m in messages[:3]] == ["notifications/progress"] * 3
        assert [m["params"]["progress"] for m in messages[:3]] == [1, 2, 3]
        assert all(m["params"]["progressToken"] == "tok-1" for m in messages[:3])
        assert messages[3]["id"] == 1 and [m["index"] for m in messages[3]["result"]["structuredContent"]["messages"]] == [1, 2, 3]
        # A client that cannot read events gets plain JSON even with a progress token.
        reply = post(client, url, {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                   "params": {**args, "_meta": {"progressToken": 5}}}, headers={"Accept": "application/json"})
        assert reply.headers["content-type"].startswith("application/json") and reply.json()["id"] == 2


def test_unbound_methods_and_stopped_instances(gw):
    d = gw.daemon
    url = gw.mcp_url()
    with http() as client:
        def tool(name, arguments):
            return call(client, url, "tools/call", {"name": name, "arguments": arguments}).json()["result"]

        assert tool("calculator__calculator-2__add", {"left": 1, "right": 1})["structuredContent"]["result"] == 2
        cli_json(d, "capset", "unselect-method", "dev", "calculator-2", f"{CALCULATOR}/Add")
        try:
            result = tool("calculator__calculator-2__add", {"left": 1})
            assert result["isError"] and result["structuredContent"]["error"]["message"] == "tool not found"
            names = {t["name"] for page in (call(client, url, "tools/list").json()["result"],) for t in page["tools"]}
            assert "calculator__calculator-2__subtract" in names and "calculator__calculator-2__add" not in names
        finally:
            cli_json(d, "capset", "select-method", "dev", "calculator-2", f"{CALCULATOR}/Add")
        # A custom tool name replaces the default one.
        cli_json(d, "capset", "unselect-method", "dev", "calculator-2", f"{CALCULATOR}/Subtract")
        cli_json(d, "capset", "select-method", "dev", "calculator-2", f"{CALCULATOR}/Subtract", "--mcp-tool", "minus")
        assert tool("minus", {"left": 5, "right": 2})["structuredContent"]["result"] == 3
        cli_json(d, "instance", "stop", "calculator-2")
        try:
            result = tool("calculator__calculator-2__add", {"left": 1})
            assert result["isError"] is True
            assert result["structuredContent"]["error"] == {"code": "UNAVAILABLE", "message": "backend instance is not running",
                                                            "details": {}}
        finally:
            cli_json(d, "instance", "start", "calculator-2")
            wait_running(d, "calculator-2")
        assert tool("minus", {"left": 5, "right": 2})["structuredContent"]["result"] == 3


def test_access_log_lines_for_mcp(gw):
    with http() as client:
        call(client, gw.mcp_url(), "tools/call", {"name": "calculator__calculator-1__add",
                                                  "arguments": {"left": 1, "right": 2}}, headers={"User-Agent": "mcp-e2e/1"})
        call(client, gw.mcp_url(), "tools/call", {"name": "probe__probe-1__echo", "arguments": {"fail_code": 5}},
             headers={"User-Agent": "mcp-e2e/1"})
    log = gw.daemon.data_dir / "access.log"

    def lines():
        return [json.loads(line) for line in log.read_text().splitlines() if '"mcp-e2e/1"' in line]

    add, echo = wait_until(lambda: len(lines()) == 2 and lines(), timeout=5, message="two access log lines")
    assert add["protocol"] == "mcp" and add["capset"] == "dev" and add["service"] == "calculator"
    assert add["instance"] == "calculator-1" and add["method"] == f"{CALCULATOR}/Add"
    assert add["tool"] == "calculator__calculator-1__add" and add["http_status"] == 200 and add["grpc_code"] == "OK"
    assert add["route"] == "/capsets/dev/mcp" and add["http_method"] == "POST"
    assert echo["grpc_code"] == "NotFound" and echo["method"] == f"{PROBE}/Echo"
    assert not re.search(r"s3cr3t-tok", log.read_text())
