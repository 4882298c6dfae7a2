"""Connect RPC clients for the gateway tests: the official Python `connectrpc` client
(ConnectClientSync, unmodified) driven with google.protobuf messages built at run time from
the daemon's descriptor set, and `curl` (HTTP/1.1 or HTTP/2 with prior knowledge) for the raw
protocol: status, headers, envelopes of the streaming protocol."""

from __future__ import annotations

import json
import struct
import subprocess
from dataclasses import dataclass

from connectrpc.client import ConnectClientSync
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from google.protobuf import descriptor, json_format, message_factory
from pyqwest import HTTPVersion, SyncClient, SyncHTTPTransport

from . import h2_raw

# descriptor.proto's MethodOptions.IdempotencyLevel numbers.
_IDEMPOTENCY = {0: IdempotencyLevel.UNKNOWN, 1: IdempotencyLevel.NO_SIDE_EFFECTS, 2: IdempotencyLevel.IDEMPOTENT}


class ProtobufCodec:
    """A connectrpc Codec for google.protobuf messages: binary (`proto`) or ProtoJSON (`json`).
    Decoding JSON is strict (unknown fields are an error), as a Connect codec should be."""

    def __init__(self, json_codec: bool = False):
        self._json = json_codec

    def name(self) -> str:
        return "json" if self._json else "proto"

    def encode(self, message) -> bytes:
        if self._json:
            return json_format.MessageToJson(message, indent=None).encode()
        return message.SerializeToString()

    def decode(self, data, message_class):
        if self._json:
            return json_format.Parse(bytes(data), message_class())
        return message_class.FromString(bytes(data))


def method_info(method: descriptor.MethodDescriptor) -> MethodInfo:
    """connectrpc's MethodInfo for a method of a runtime descriptor pool."""
    if method.client_streaming:
        kind = StreamType.BIDI_STREAM if method.server_streaming else StreamType.CLIENT_STREAM
    else:
        kind = StreamType.SERVER_STREAM if method.server_streaming else StreamType.UNARY
    return MethodInfo(name=method.name, service_name=method.containing_service.full_name,
                      input=message_factory.GetMessageClass(method.input_type),
                      output=message_factory.GetMessageClass(method.output_type),
                      idempotency_level=_IDEMPOTENCY[method.GetOptions().idempotency_level],
                      stream_type=kind)


def http_client(http2: bool = False) -> SyncClient:
    """pyqwest client for the connectrpc client: HTTP/1.1, or HTTP/2 with prior knowledge (h2c);
    no proxy from the environment."""
    transport = SyncHTTPTransport(http_version=HTTPVersion.HTTP2 if http2 else HTTPVersion.HTTP1, proxy=[],
                                  timeout=60)
    return SyncClient(transport)


def connect_client(gateway, instance: str, capset: str | None = None, json_codec: bool = False,
                   http: SyncClient | None = None, **options) -> ConnectClientSync:
    """A ConnectClientSync whose base address is the instance's Connect prefix
    (`…/capsets/{c}/connect/{instance}`); the client appends `/{pkg.Svc}/{Method}`."""
    address = f"{gateway.url}/capsets/{capset or gateway.capset}/connect/{instance}"
    return ConnectClientSync(address, codec=ProtobufCodec(json_codec), http_client=http or http_client(), **options)


# -- curl ------------------------------------------------------------------------

@dataclass
class CurlReply:
    status: int
    http_version: str
    headers: dict  # lower-case name -> list of values
    body: bytes

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def curl(url: str, *args: str, data: bytes | None = None, http2: bool = False, timeout: float = 60) -> CurlReply:
    """One request with curl (body from stdin when `data` is given); the HTTP version, status,
    response headers and body of the final response."""
    cmd = ["curl", "-sS", "--noproxy", "*", "-D", "/dev/stderr", "-o", "-", "--max-time", str(timeout)]
    cmd += ["--http2-prior-knowledge"] if http2 else ["--http1.1"]
    if data is not None:
        cmd += ["--data-binary", "@-"]
    result = subprocess.run([*cmd, *args, url], input=data, capture_output=True, timeout=timeout + 10)
    assert result.returncode == 0, f"curl failed ({result.returncode}): {result.stderr.decode(errors='replace')}"
    blocks = [b for b in result.stderr.decode("latin-1").replace("\r\n", "\n").split("\n\n") if b.startswith("HTTP/")]
    status_line, *lines = blocks[-1].strip("\n").split("\n")
    version, status = status_line.split(" ")[:2]
    headers: dict = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return CurlReply(status=int(status), http_version=version, headers=headers, body=result.stdout)


# -- the Connect streaming protocol -------------------------------------------------

END_STREAM = 0x02


def envelope(payload: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(payload)) + payload


def envelopes(body: bytes) -> list[tuple[int, bytes]]:
    """The `(flags, payload)` envelopes of a streaming body; the whole body must be envelopes."""
    out = []
    at = 0
    while at < len(body):
        assert len(body) - at >= 5, f"truncated envelope prefix at {at}: {body[at:]!r}"
        flags, length = struct.unpack(">BI", body[at:at + 5])
        payload = body[at + 5:at + 5 + length]
        assert len(payload) == length, f"truncated envelope at {at}"
        out.append((flags, payload))
        at += 5 + length
    return out


def stream_messages(body: bytes) -> tuple[list[bytes], dict]:
    """Splits a Connect streaming response into its message payloads and its end-of-stream
    JSON, which must be the last envelope and the only one flagged END_STREAM."""
    parts = envelopes(body)
    assert parts and parts[-1][0] == END_STREAM, f"no end-of-stream message last: {parts!r}"
    assert all(flags == 0 for flags, _ in parts[:-1]), f"unexpected flags: {[f for f, _ in parts]}"
    return [payload for _, payload in parts[:-1]], json.loads(parts[-1][1])


def h2_oversized_post(port: int, path: str, content_type: str, size: int = (1 << 20) + 1):
    """A POST on HTTP/2 (prior knowledge) declaring `size` body bytes, of which 16 KiB are sent:
    the server's answer (h2_raw.Response). Real h2 clients (curl 7.x, httpx) give up on a
    stream the server answers and resets while they upload, instead of showing the answer."""
    with h2_raw.Connection.open(port) as conn:
        conn.send_request(1, [(":method", "POST"), (":scheme", "http"), (":authority", f"127.0.0.1:{port}"),
                              (":path", path), ("content-type", content_type), ("content-length", str(size))],
                          end_stream=False)
        conn.send_data(1, b"x" * 16384)
        return conn.response(1)
