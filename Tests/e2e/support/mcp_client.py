"""MCP for the gateway tests: the official Python SDK's `Client` (mcp 2.x, unmodified) over
streamable HTTP in either era — `mode="legacy"` (the `initialize` handshake) or
`mode="auto"` (the stateless 2026-07-28 revision found with `server/discover`) — with
optional extra HTTP headers (a capset token), and raw JSON-RPC posts with httpx for what the
client never sends."""

from __future__ import annotations

import json

import httpx
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

STATELESS = "2026-07-28"
HANDSHAKE_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")
META_VERSION = "io.modelcontextprotocol/protocolVersion"
META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities"


def mcp_client(url: str, mode: str, headers: dict | None = None, **options) -> Client:
    """The SDK's high-level Client on `url`; `headers` go on every HTTP request (the SDK's own
    http client factory, as its docs say to configure headers)."""
    http = create_mcp_http_client(headers=headers)
    return Client(streamable_http_client(url, http_client=http), mode=mode, **options)


async def list_all_tools(client: Client) -> tuple[list, list]:
    """Every tool, following `nextCursor`; also the cursors seen (one per page after the first)."""
    tools, cursors = [], []
    cursor = None
    while True:
        page = await client.list_tools(cursor=cursor, cache_mode="bypass")
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            return tools, cursors
        assert cursor not in cursors, "a cursor repeated"
        cursors.append(cursor)
        assert len(cursors) < 50, "tools/list does not end"


# -- raw JSON-RPC -------------------------------------------------------------------

def http() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=60)


def stateless_params(params: dict | None = None, version: str = STATELESS) -> dict:
    """`params` with the `_meta` envelope a 2026-07-28 request carries."""
    out = dict(params or {})
    out["_meta"] = {META_VERSION: version, META_CAPABILITIES: {}, **out.get("_meta", {})}
    return out


def stateless_headers(method: str, name: str | None = None, version: str = STATELESS) -> dict:
    headers = {"MCP-Protocol-Version": version, "Mcp-Method": method}
    if name is not None:
        headers["Mcp-Name"] = name
    return headers


def post(client: httpx.Client, url: str, body, headers: dict | None = None) -> httpx.Response:
    """One JSON-RPC message (or raw bytes) posted as streamable HTTP does."""
    all_headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    all_headers.update(headers or {})
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(url, content=content, headers=all_headers)


def call(client: httpx.Client, url: str, method: str, params: dict | None = None, id_=1, headers: dict | None = None,
         stateless: bool = False, name: str | None = None) -> httpx.Response:
    """A JSON-RPC request; `stateless` adds the 2026-07-28 `_meta` and routing headers."""
    if stateless:
        params = stateless_params(params)
        headers = {**stateless_headers(method, name), **(headers or {})}
    body = {"jsonrpc": "2.0", "id": id_, "method": method}
    if params is not None:
        body["params"] = params
    return post(client, url, body, headers)


def sse_messages(text: str) -> list[dict]:
    """The JSON-RPC messages of a `text/event-stream` body (one `data:` line per event)."""
    messages = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].lstrip() for line in block.split("\n") if line.startswith("data:")]
        if data:
            messages.append(json.loads("\n".join(data)))
    return messages
