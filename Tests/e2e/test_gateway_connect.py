"""The Connect gateway end to end (SPEC §8.4, §9, §10, issue 10): the official Python
`connectrpc` client, unmodified, with google.protobuf messages built at run time from the
daemon's descriptors, and `curl`, over HTTP/1.1 and HTTP/2 (prior knowledge), to real node
instances — unary JSON and proto, GET for side-effect-free methods, server streaming with the
Connect streaming protocol, timeouts, every §10 row that applies to Connect, the status table
with backend messages kept, strict request decoding and the 1 MiB body cap."""

from __future__ import annotations

import base64
import gzip
import json
import os
import signal
import time
import urllib.parse

import pytest
from connectrpc.code import Code
from connectrpc.errors import ConnectError
from google.protobuf import json_format, message_factory

from support.connect import (END_STREAM, connect_client, curl, envelope, h2_oversized_post, http_client, method_info,
                             stream_messages)
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support import abuse
from support.gateway import CALCULATOR, PROBE, STREAMING, WIDE, shared_gateway
from support.processes import cli_json, instance_get, wait_running
from support.util import wait_until

pytestmark = pytest.mark.timeout(300)

CAPSET_TOKEN = "connect-cap-29d4b7e1f0"
ECHO = f"{PROBE}/Echo"
ADD = f"{CALCULATOR}/Add"
HTTP_VERSIONS = [pytest.param(False, id="http1"), pytest.param(True, id="h2c")]
CODECS = [pytest.param(False, id="proto"), pytest.param(True, id="json")]

# SPEC §8.4: gRPC code → (Connect code, HTTP status).
STATUS_TABLE = {
    1: ("canceled", 499), 2: ("unknown", 500), 3: ("invalid_argument", 400), 4: ("deadline_exceeded", 504),
    5: ("not_found", 404), 6: ("already_exists", 409), 7: ("permission_denied", 403), 8: ("resource_exhausted", 429),
    9: ("failed_precondition", 400), 10: ("aborted", 409), 11: ("out_of_range", 400), 12: ("unimplemented", 501),
    13: ("internal", 500), 14: ("unavailable", 503), 15: ("data_loss", 500), 16: ("unauthenticated", 401),
}


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    """Capset `dev`: probe-1, streaming-1, calculator-1, wide-1, probe-od-1 (the probe as an
    on-demand service) and probe-2 (stopped and killed by some tests). Capset `locked`:
    calculator-1 behind a token. Capset `narrow`: only probe-1's Echo."""
    with shared_gateway(tmp_path_factory, "connect", services=("probe", "streaming", "calculator", "wide", "probe-od"),
                        extra_instances=[("probe-2", "probe")]) as gateway:
        d = gateway.daemon
        cli_json(d, "capset", "create", "locked")
        cli_json(d, "capset", "add-instance", "locked", "calculator-1")
        assert d.cli("capset", "add-token", "locked", "t1", "--token", CAPSET_TOKEN).returncode == 0
        cli_json(d, "capset", "create", "narrow")
        cli_json(d, "capset", "add-instance", "narrow", "probe-1", "--no-all-methods")
        cli_json(d, "capset", "select-method", "narrow", "probe-1", ECHO)
        yield gateway


def message(gw, instance: str, method: str, value: dict | None = None, output: bool = False):
    descriptor = gw.method(instance, method)
    cls = message_factory.GetMessageClass(descriptor.output_type if output else descriptor.input_type)
    return json_format.ParseDict(value or {}, cls())


def as_dict(msg) -> dict:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def connect_error(call) -> ConnectError:
    with pytest.raises(ConnectError) as info:
        call()
    return info.value


def post_json(gw, instance, method, body, *args, capset=None, http2=False, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return curl(gw.connect_url(instance, method, capset), "-H", f"content-type: {content_type}", *args, data=data,
                http2=http2)


def assert_connect_error(reply, status: int, code: str, message: str | None = None, contains: str | None = None):
    assert reply.status == status, (reply.status, reply.body)
    assert reply.header("content-type") == "application/json"
    body = reply.json()
    assert body["code"] == code, body
    if message is not None:
        assert body["message"] == message, body
    if contains is not None:
        assert contains in body["message"], body


# -- the connectrpc client ---------------------------------------------------------------

@pytest.mark.parametrize("http2", HTTP_VERSIONS)
@pytest.mark.parametrize("json_codec", CODECS)
def test_unary_calls_with_the_connectrpc_client(gw, http2, json_codec):
    add = method_info(gw.method("calculator-1", ADD))
    with connect_client(gw, "calculator-1", json_codec=json_codec, http=http_client(http2)) as client:
        reply = client.execute_unary(request=message(gw, "calculator-1", ADD, {"left": 20, "right": 22}), method=add,
                                     headers={"x-business-request-id": "biz-1"})
        assert as_dict(reply) == {"result": 42, "service_id": "calculator", "instance_id": "calculator-1", "label": "gw",
                                  "business_request_id": "biz-1", "secret_token": "s3cr3t-tok"}
    # Only x-business-request-id and x-octobus-ext-* reach the instance (lower-cased).
    echo = method_info(gw.method("probe-1", ECHO))
    with connect_client(gw, "probe-1", json_codec=json_codec, http=http_client(http2)) as client:
        reply = client.execute_unary(request=message(gw, "probe-1", ECHO, {"text": "héllo"}), method=echo, headers={
            "X-Octobus-Ext-Tenant": "acme", "x-business-request-id": "b-2", "x-octobus-instance": "no",
            "x-custom": "no", "authorization": "Bearer no"})
        assert reply.text == "héllo"
        seen = json.loads(reply.metadata_json)
        assert seen["x-octobus-ext-tenant"] == ["acme"] and seen["x-business-request-id"] == ["b-2"]
        assert not {"x-octobus-instance", "x-custom", "authorization"} & set(seen)


@pytest.mark.parametrize("http2", HTTP_VERSIONS)
@pytest.mark.parametrize("json_codec", CODECS)
def test_server_streaming_with_the_connectrpc_client(gw, http2, json_codec):
    expand = method_info(gw.method("streaming-1", f"{STREAMING}/Expand"))
    with connect_client(gw, "streaming-1", json_codec=json_codec, http=http_client(http2)) as client:
        replies = list(client.execute_server_stream(
            request=message(gw, "streaming-1", f"{STREAMING}/Expand", {"text": "s", "count": 25}), method=expand))
        assert [(r.text, r.index, r.instance_id) for r in replies] == [("s", i, "streaming-1") for i in range(1, 26)]
    # A stream that fails after two messages: both arrive, then the error from the end-of-stream message.
    count = method_info(gw.method("wide-1", f"{WIDE}/Count"))
    with connect_client(gw, "wide-1", json_codec=json_codec, http=http_client(http2)) as client:
        got = []
        with pytest.raises(ConnectError) as info:
            for reply in client.execute_server_stream(request=message(gw, "wide-1", f"{WIDE}/Count", {
                    "count": 2, "fail_code": 10, "fail_message": "conflict here"}), method=count):
                got.append(reply.index)
        assert got == [1, 2]
        assert info.value.code == Code.ABORTED and info.value.message == "conflict here"


def test_get_for_side_effect_free_methods_with_the_connectrpc_client(gw):
    lookup = method_info(gw.method("wide-1", f"{WIDE}/Lookup"))
    for json_codec in (False, True):
        with connect_client(gw, "wide-1", json_codec=json_codec) as client:
            reply = client.execute_unary(request=message(gw, "wide-1", f"{WIDE}/Lookup", {"text": "g ✓", "count": 3}),
                                         method=lookup, use_get=True, headers={"x-octobus-ext-k": "v"})
            assert (reply.text, reply.index) == ("lookup:g ✓", 3)
            assert json.loads(reply.metadata_json)["x-octobus-ext-k"] == ["v"]
    wait_until(lambda: '"http_method":"GET"' in (gw.daemon.data_dir / "access.log").read_text(), timeout=5,
               message="a GET in the access log")
    # A method with side effects cannot be called with GET.
    put = method_info(gw.method("wide-1", f"{WIDE}/Put"))
    with connect_client(gw, "wide-1") as client:
        error = connect_error(lambda: client.execute_unary(request=message(gw, "wide-1", f"{WIDE}/Put"), method=put,
                                                           use_get=True))
        assert error.code == Code.UNIMPLEMENTED


def test_the_connectrpc_client_sees_backend_codes_and_messages(gw):
    echo = method_info(gw.method("probe-1", ECHO))
    with connect_client(gw, "probe-1", json_codec=True) as client:
        for grpc_code, (name, _) in STATUS_TABLE.items():
            error = connect_error(lambda: client.execute_unary(request=message(gw, "probe-1", ECHO, {
                "fail_code": grpc_code, "fail_message": f"m{grpc_code} ✗"}), method=echo))
            assert (error.code, error.message) == (Code(name), f"m{grpc_code} ✗")
        error = connect_error(lambda: client.execute_unary(request=message(gw, "probe-1", ECHO, {"text": "throw"}), method=echo))
        assert (error.code, error.message) == (Code.INTERNAL, "plain failure")
        # connect-timeout-ms: the backend's 5 s sleep is cut at 500 ms.
        started = time.monotonic()
        error = connect_error(lambda: client.execute_unary(request=message(gw, "probe-1", ECHO, {"sleep_ms": 5000}),
                                                           method=echo, timeout_ms=500))
        assert error.code == Code.DEADLINE_EXCEEDED and time.monotonic() - started < 3
    with connect_client(gw, "calculator-1", capset="locked") as client:
        add = method_info(gw.method("calculator-1", ADD))
        request = message(gw, "calculator-1", ADD, {"left": 1, "right": 2})
        assert connect_error(lambda: client.execute_unary(request=request, method=add)).code == Code.UNAUTHENTICATED
        assert client.execute_unary(request=request, method=add,
                                    headers={"authorization": f"Bearer {CAPSET_TOKEN}"}).result == 3


def test_without_request_compression_and_a_slow_reader_of_a_large_stream(gw):
    """The client with compression off, and a 128 MiB server stream read slowly: the gateway
    relays it with chained flow control, so its memory stays bounded."""
    firehose = method_info(gw.method("probe-1", f"{PROBE}/Firehose"))
    add = method_info(gw.method("calculator-1", ADD))
    with connect_client(gw, "calculator-1", send_compression=None, accept_compression=[]) as client:
        assert client.execute_unary(request=message(gw, "calculator-1", ADD, {"left": 2, "right": 5}), method=add).result == 7
    pid = gw.daemon.process.pid
    idle = abuse.rss_kib(pid)
    peak = abuse.PeakRSS(pid)
    size, count = 64 * 1024, 2048
    received = 0
    with connect_client(gw, "probe-1", http=http_client(http2=True), send_compression=None) as client:
        stream = client.execute_server_stream(request=message(gw, "probe-1", f"{PROBE}/Firehose",
                                                              {"count": count, "size": size}), method=firehose)
        for index, reply in enumerate(stream):
            received += len(reply.payload)
            if index % 64 == 0:
                time.sleep(0.05)  # slower than the backend produces
    peak_kib = peak.stop()
    assert received == size * count
    assert peak_kib - idle < 64 * 1024, f"peak {peak_kib} KiB from idle {idle} KiB"


def test_on_demand_instances(gw):
    od = "probe-od-1"
    echo = method_info(gw.method(od, ECHO))
    with connect_client(gw, od, json_codec=True) as client:
        reply = client.execute_unary(request=message(gw, od, ECHO, {"text": "od"}), method=echo,
                                     headers={"x-octobus-ext-k": "v"})
        assert reply.text == "od" and json.loads(reply.metadata_json)["x-octobus-ext-k"] == ["v"]
        error = connect_error(lambda: client.execute_unary(request=message(gw, od, ECHO, {"fail_code": 6, "fail_message": "dup"}),
                                                           method=echo))
        assert (error.code, error.message) == (Code.ALREADY_EXISTS, "dup")
        started = time.monotonic()
        error = connect_error(lambda: client.execute_unary(request=message(gw, od, ECHO, {"sleep_ms": 10_000}), method=echo,
                                                           timeout_ms=1000))
        assert error.code == Code.DEADLINE_EXCEEDED and time.monotonic() - started < 5
    reply = post_json(gw, od, ECHO, {"sleepMs": 10_000}, "-H", "connect-timeout-ms: 800")
    assert_connect_error(reply, 504, "deadline_exceeded")
    # Streaming methods are not served by the on-demand runtime: in the end-of-stream message.
    reply = stream(gw, od, f"{PROBE}/Hold", {"text": "h"})
    messages, end = stream_messages(reply.body)
    assert messages == [] and end["error"] == {"code": "unimplemented",
                                               "message": "streaming methods are not supported by on-demand runtime"}
    # A unary method over the streaming protocol: one message, then the end.
    messages, end = stream_messages(stream(gw, od, ECHO, {"text": "s"}).body)
    assert [json.loads(m)["text"] for m in messages] == ["s"] and "error" not in end


@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_gzip_compressed_requests(gw, http2):
    """gzip is what Connect clients send by default (connectrpc compresses every request)."""
    body = gzip.compress(json.dumps({"left": 30, "right": 12}).encode())
    reply = post_json(gw, "calculator-1", ADD, body, "-H", "content-encoding: gzip", http2=http2)
    assert reply.status == 200 and reply.json()["result"] == 42
    binary = gzip.compress(message(gw, "calculator-1", ADD, {"left": 1, "right": 1}).SerializeToString())
    reply = post_json(gw, "calculator-1", ADD, binary, "-H", "content-encoding: gzip", content_type="application/proto",
                      http2=http2)
    assert reply.status == 200 and message(gw, "calculator-1", ADD, output=True).FromString(reply.body).result == 2
    # streaming: Connect-Content-Encoding and the compressed flag on the envelope
    payload = gzip.compress(json.dumps({"text": "g", "count": 2}).encode())
    reply = curl(gw.connect_url("streaming-1", f"{STREAMING}/Expand"), "-H", "content-type: application/connect+json",
                 "-H", "connect-content-encoding: gzip", data=envelope(payload, flags=0x01), http2=http2)
    messages, end = stream_messages(reply.body)
    assert [json.loads(m)["index"] for m in messages] == [1, 2] and "error" not in end
    # GET with compression=gzip
    url = gw.connect_url("wide-1", f"{WIDE}/Lookup")
    encoded = base64.urlsafe_b64encode(gzip.compress(b'{"text":"z"}')).decode()
    reply = curl(f"{url}?connect=v1&encoding=json&compression=gzip&base64=1&message={encoded}", http2=http2)
    assert reply.status == 200 and reply.json()["text"] == "lookup:z"
    # An unsupported compression: unimplemented, naming what is accepted.
    reply = post_json(gw, "calculator-1", ADD, b"{}", "-H", "content-encoding: br", http2=http2)
    assert_connect_error(reply, 501, "unimplemented", 'compression "br" is not supported (use gzip or identity)')
    assert reply.header("accept-encoding") == "gzip"
    # Corrupt gzip, a compressed envelope without a declared compression, and a bomb.
    assert_connect_error(post_json(gw, "calculator-1", ADD, b"\x1f\x8bnot gzip", "-H", "content-encoding: gzip", http2=http2),
                         400, "invalid_argument")
    reply = curl(gw.connect_url("streaming-1", f"{STREAMING}/Expand"), "-H", "content-type: application/connect+json",
                 data=envelope(payload, flags=0x01), http2=http2)
    assert_connect_error(reply, 501, "unimplemented")
    bomb = gzip.compress(json.dumps({"text": "b" * (2 << 20)}).encode())
    assert len(bomb) < 1 << 20
    reply = post_json(gw, "wide-1", f"{WIDE}/Op001", bomb, "-H", "content-encoding: gzip", http2=http2)
    assert_connect_error(reply, 429, "resource_exhausted")


def test_errors_before_the_body_is_read_reach_curl_over_http2(gw):
    """Route and token errors are answered once the small request body is in, so the stream
    is not reset while curl still uploads (curl 7.x would report a failed transfer)."""
    for capset, instance in (("nope", "probe-1"), ("dev", "nope"), ("locked", "calculator-1")):
        for _ in range(10):
            reply = post_json(gw, instance, ECHO if instance != "calculator-1" else ADD, {"text": "x"}, capset=capset, http2=True)
            assert reply.status in (401, 404), reply


# -- curl: unary ----------------------------------------------------------------------

@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_unary_json_and_proto_with_curl(gw, http2):
    reply = post_json(gw, "calculator-1", ADD, {"left": 1.5, "right": 2}, "-H", "connect-protocol-version: 1", http2=http2)
    assert reply.http_version == ("HTTP/2" if http2 else "HTTP/1.1")
    assert reply.status == 200 and reply.header("content-type") == "application/json"
    assert reply.json() == {"result": 3.5, "serviceId": "calculator", "instanceId": "calculator-1", "label": "gw",
                            "secretToken": "s3cr3t-tok"}
    # An empty JSON body is {}; defaults are omitted from the answer.
    reply = post_json(gw, "wide-1", f"{WIDE}/Op000", b"", http2=http2)
    assert reply.status == 200 and reply.json() == {"text": "Op000:"}
    # application/proto both ways (the charset parameter is accepted on JSON).
    request = message(gw, "calculator-1", ADD, {"left": 40, "right": 2}).SerializeToString()
    reply = post_json(gw, "calculator-1", ADD, request, content_type="application/proto", http2=http2)
    assert reply.status == 200 and reply.header("content-type") == "application/proto"
    assert message(gw, "calculator-1", ADD, output=True).FromString(reply.body).result == 42
    reply = post_json(gw, "calculator-1", ADD, {"left": 1}, content_type="application/json; charset=utf-8", http2=http2)
    assert reply.status == 200 and reply.json()["result"] == 1


def test_json_in_and_out_follow_protojson(gw):
    mirror = f"{WIDE}/Mirror"
    rich = {
        "text": "héllo ✓", "big": "-9007199254740993", "ubig": 18446744073709551615, "ratio": "NaN", "flag": True,
        "blob": "AAEC_w", "color": 2, "tags": ["a", "b"], "counts": {"x": 1, "y": "-2"},
        "inner": {"name": "n", "values": [1, -2, 3]}, "inners": [{"name": "i1"}, {}],
        "when": "2024-01-02T03:04:05.120+01:00", "took": "-5.250s", "extra": {"k": [1, "two", None, {"b": False}]},
        "maybe": 0, "name": "chosen", "customAlias": "c", "small": 1.5, "signed": -5, "fixed": "12345",
        "byId": {"3": {"name": "three"}}, "colors": ["COLOR_RED", 2], "ratio_unused": None,
    }
    del rich["ratio_unused"]
    reply = post_json(gw, "wide-1", mirror, rich)
    assert reply.status == 200, reply.body
    expected = json_format.MessageToDict(message(gw, "wide-1", mirror, rich))
    assert reply.json() == expected
    assert reply.json()["ratio"] == "NaN" and reply.json()["when"] == "2024-01-02T02:04:05.120Z"
    assert reply.json()["customAlias"] == "c" and "custom_field" not in reply.json() and reply.json()["color"] == "COLOR_BLUE"
    # proto field names are accepted as well as json names
    assert post_json(gw, "wide-1", mirror, {"custom_field": "p", "by_id": {"1": {}}}).json() == {
        "customAlias": "p", "byId": {"1": {}}}
    # proto in, JSON and proto out agree with python protobuf
    binary = message(gw, "wide-1", mirror, rich).SerializeToString()
    reply = post_json(gw, "wide-1", mirror, binary, content_type="application/proto")
    assert reply.status == 200 and message(gw, "wide-1", mirror, output=True).FromString(reply.body) == \
        message(gw, "wide-1", mirror, rich)


@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_bad_requests(gw, http2):
    # Unknown fields and bad JSON: invalid_argument, 400.
    assert_connect_error(post_json(gw, "calculator-1", ADD, {"left": 1, "nope": 2}, http2=http2), 400, "invalid_argument",
                         contains="nope")
    assert_connect_error(post_json(gw, "calculator-1", ADD, b'{"left": 1,', http2=http2), 400, "invalid_argument")
    assert_connect_error(post_json(gw, "calculator-1", ADD, b'[1]', http2=http2), 400, "invalid_argument")
    assert_connect_error(post_json(gw, "calculator-1", ADD, {"left": "x"}, http2=http2), 400, "invalid_argument")
    assert_connect_error(post_json(gw, "calculator-1", ADD, b"\xff\xff\xff", content_type="application/proto",
                                   http2=http2), 400, "invalid_argument")
    # Other content types: 415; other methods: 405.
    reply = post_json(gw, "calculator-1", ADD, b"left=1", content_type="application/x-www-form-urlencoded", http2=http2)
    assert reply.status == 415 and reply.json()["code"] == "unimplemented"
    reply = curl(gw.connect_url("calculator-1", ADD), "-X", "PUT", "-H", "content-type: application/json", data=b"{}",
                 http2=http2)
    assert reply.status == 405
    # A body over 1 MiB: 413 (on HTTP/2 answered mid-upload, then the stream is reset with
    # NO_ERROR: read with a raw client); just under passes (wide's Op001 echoes the text).
    if http2:
        reply = h2_oversized_post(gw.daemon.port, gw.connect_path("wide-1", f"{WIDE}/Op001"), "application/json")
        assert reply.status == "413" and json.loads(reply.body)["code"] == "resource_exhausted"
    else:
        reply = post_json(gw, "wide-1", f"{WIDE}/Op001", json.dumps({"text": "x" * (1 << 20)}).encode())
        assert reply.status == 413 and reply.json()["code"] == "resource_exhausted"
    fits = json.dumps({"text": "y" * ((1 << 20) - 20)}).encode()
    assert len(fits) <= 1 << 20
    reply = post_json(gw, "wide-1", f"{WIDE}/Op001", fits, http2=http2)
    assert reply.status == 200 and reply.json()["text"] == "Op001:" + "y" * ((1 << 20) - 20)
    # A Connect path that names no method.
    reply = curl(gw.url + "/capsets/dev/connect/probe-1", "-X", "POST", http2=http2)
    assert_connect_error(reply, 404, "not_found", "unknown Connect route")


def test_status_table_and_messages_with_curl(gw):
    for grpc_code, (name, status) in STATUS_TABLE.items():
        reply = post_json(gw, "probe-1", ECHO, {"failCode": grpc_code, "failMessage": f"why {grpc_code} – ünïcode"})
        assert_connect_error(reply, status, name, f"why {grpc_code} – ünïcode")


@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_every_connect_row_of_the_error_table(gw, http2):
    d = gw.daemon
    not_exposed = "method is not exposed by capset"
    # unknown capset, unknown instance, instance not in the capset, method not selected
    assert_connect_error(post_json(gw, "probe-1", ECHO, {}, capset="nope", http2=http2), 404, "not_found", not_exposed)
    assert_connect_error(post_json(gw, "nope", ECHO, {}, http2=http2), 404, "not_found", not_exposed)
    assert_connect_error(post_json(gw, "calculator-1", ADD, {}, capset="narrow", http2=http2), 404, "not_found", not_exposed)
    assert_connect_error(post_json(gw, "probe-1", f"{PROBE}/Unhandled", {}, capset="narrow", http2=http2), 404, "not_found",
                         not_exposed)
    assert_connect_error(post_json(gw, "probe-1", f"{PROBE}/Nope", {}, http2=http2), 404, "not_found", not_exposed)
    assert post_json(gw, "probe-1", ECHO, {"text": "n"}, capset="narrow", http2=http2).json()["text"] == "n"
    # streaming where unary is needed
    assert_connect_error(post_json(gw, "streaming-1", f"{STREAMING}/Collect", {}, http2=http2), 501, "unimplemented",
                         "method is not a unary service method")
    assert_connect_error(post_json(gw, "streaming-1", f"{STREAMING}/Chat", {}, http2=http2), 501, "unimplemented")
    reply = post_json(gw, "streaming-1", f"{STREAMING}/Expand", {"count": 1}, http2=http2)
    assert reply.status == 415 and reply.json()["code"] == "unimplemented"
    # missing or wrong capset token
    for auth in ((), ("-H", "authorization: Bearer wrong"), ("-H", f"authorization: {CAPSET_TOKEN}")):
        assert_connect_error(post_json(gw, "calculator-1", ADD, {}, *auth, capset="locked", http2=http2), 401,
                             "unauthenticated", "capset token is required")
    assert post_json(gw, "calculator-1", ADD, {"left": 2}, "-H", f"authorization: Bearer {CAPSET_TOKEN}",
                     capset="locked", http2=http2).json()["result"] == 2
    # handler errors: without a handler, and a plain throw
    reply = post_json(gw, "probe-1", f"{PROBE}/Unhandled", {}, http2=http2)
    assert_connect_error(reply, 501, "unimplemented", contains="Unhandled is not implemented by package")
    assert_connect_error(post_json(gw, "probe-1", ECHO, {"text": "throw"}, http2=http2), 500, "internal", "plain failure")
    # the instance stopped
    cli_json(d, "instance", "stop", "probe-2")
    try:
        assert_connect_error(post_json(gw, "probe-2", ECHO, {}, http2=http2), 503, "unavailable",
                             "backend instance is not running")
    finally:
        cli_json(d, "instance", "start", "probe-2")
        wait_running(d, "probe-2")
    assert post_json(gw, "probe-2", ECHO, {"text": "back"}, http2=http2).json()["text"] == "back"


@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_connect_timeout_ms(gw, http2):
    started = time.monotonic()
    reply = post_json(gw, "probe-1", ECHO, {"text": "t", "sleep_ms": 10_000}, "-H", "connect-timeout-ms: 300", http2=http2)
    assert_connect_error(reply, 504, "deadline_exceeded")
    assert time.monotonic() - started < 5
    # The backend sees the deadline (capped at 30 s without one).
    assert 0 < int(post_json(gw, "probe-1", ECHO, {}, "-H", "connect-timeout-ms: 4000", http2=http2).json()["deadlineMs"]) <= 4000
    assert 4000 < int(post_json(gw, "probe-1", ECHO, {}, http2=http2).json()["deadlineMs"]) <= 30_000
    assert 0 < int(post_json(gw, "probe-1", ECHO, {}, "-H", "connect-timeout-ms: 90000", http2=http2).json()["deadlineMs"]) <= 30_000
    # A malformed timeout is the client's error.
    assert_connect_error(post_json(gw, "probe-1", ECHO, {}, "-H", "connect-timeout-ms: soon", http2=http2), 400,
                         "invalid_argument")


# -- curl: GET -------------------------------------------------------------------------

@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_get_requests_with_curl(gw, http2):
    url = gw.connect_url("wide-1", f"{WIDE}/Lookup")
    query = urllib.parse.urlencode({"connect": "v1", "encoding": "json", "message": json.dumps({"text": "q&a", "count": 2})})
    reply = curl(f"{url}?{query}", "-H", "x-business-request-id: g-1", http2=http2)
    assert reply.status == 200 and reply.header("content-type") == "application/json"
    body = reply.json()
    assert (body["text"], body["index"]) == ("lookup:q&a", 2)
    assert json.loads(body["metadataJson"])["x-business-request-id"] == ["g-1"]
    # proto, base64url without padding
    binary = message(gw, "wide-1", f"{WIDE}/Lookup", {"text": "b64"}).SerializeToString()
    encoded = base64.urlsafe_b64encode(binary).decode().rstrip("=")
    reply = curl(f"{url}?connect=v1&encoding=proto&base64=1&message={encoded}", http2=http2)
    assert reply.status == 200 and message(gw, "wide-1", f"{WIDE}/Lookup", output=True).FromString(reply.body).text == "lookup:b64"
    # errors: missing encoding, a method with side effects, a streaming method
    assert_connect_error(curl(f"{url}?connect=v1&message=%7B%7D", http2=http2), 400, "invalid_argument")
    put = gw.connect_url("wide-1", f"{WIDE}/Put")
    assert curl(f"{put}?connect=v1&encoding=json&message=%7B%7D", http2=http2).status == 405
    count = gw.connect_url("wide-1", f"{WIDE}/Count")
    assert curl(f"{count}?connect=v1&encoding=json&message=%7B%7D", http2=http2).status == 405
    assert_connect_error(curl(f"{url}?connect=v1&encoding=json&message=%7B%22nope%22%3A1%7D", http2=http2), 400,
                         "invalid_argument")


# -- curl: server streaming --------------------------------------------------------------

def stream(gw, instance, method, request: dict, *args, proto=False, http2=False, capset=None):
    if proto:
        payload = message(gw, instance, method, request).SerializeToString()
    else:
        payload = json.dumps(request).encode()
    content_type = "application/connect+proto" if proto else "application/connect+json"
    return curl(gw.connect_url(instance, method, capset), "-H", f"content-type: {content_type}", *args,
                data=envelope(payload), http2=http2)


@pytest.mark.parametrize("http2", HTTP_VERSIONS)
def test_server_streaming_with_curl(gw, http2):
    reply = stream(gw, "streaming-1", f"{STREAMING}/Expand", {"text": "z", "count": 30}, http2=http2)
    assert reply.status == 200 and reply.header("content-type") == "application/connect+json"
    messages, end = stream_messages(reply.body)
    assert [json.loads(m)["index"] for m in messages] == list(range(1, 31))
    assert json.loads(messages[0]) == {"text": "z", "index": 1, "serviceId": "streaming", "instanceId": "streaming-1",
                                       "label": "gw", "secretToken": "s3cr3t-tok"}
    assert "error" not in end
    # the backend HTTP server's own date/server fields are not application metadata
    assert not {"date", "server"} & {name.lower() for name in end.get("metadata", {})}, end
    # proto
    reply = stream(gw, "streaming-1", f"{STREAMING}/Expand", {"text": "p", "count": 3}, proto=True, http2=http2)
    assert reply.header("content-type") == "application/connect+proto"
    messages, end = stream_messages(reply.body)
    cls = message(gw, "streaming-1", f"{STREAMING}/Expand", output=True)
    assert [cls.FromString(m).index for m in messages] == [1, 2, 3] and "error" not in end
    # an error after two messages: in the end-of-stream message, HTTP 200
    reply = stream(gw, "wide-1", f"{WIDE}/Count", {"count": 2, "failCode": 8, "failMessage": "enough"}, http2=http2)
    assert reply.status == 200
    messages, end = stream_messages(reply.body)
    assert len(messages) == 2 and end["error"] == {"code": "resource_exhausted", "message": "enough"}
    # zero messages, and a unary method over the streaming protocol
    messages, end = stream_messages(stream(gw, "wide-1", f"{WIDE}/Count", {}, http2=http2).body)
    assert messages == [] and "error" not in end
    messages, end = stream_messages(stream(gw, "calculator-1", ADD, {"left": 2, "right": 2}, http2=http2).body)
    assert [json.loads(m)["result"] for m in messages] == [4] and "error" not in end
    # connect-timeout-ms ends a slow stream with deadline_exceeded
    reply = stream(gw, "wide-1", f"{WIDE}/Count", {"count": 50, "sleepMs": 100}, "-H", "connect-timeout-ms: 700", http2=http2)
    messages, end = stream_messages(reply.body)
    assert 1 <= len(messages) < 50 and end["error"]["code"] == "deadline_exceeded"
    # request errors before the stream starts are plain Connect errors
    reply = stream(gw, "streaming-1", f"{STREAMING}/Expand", {"nope": 1}, http2=http2)
    assert_connect_error(reply, 400, "invalid_argument")
    reply = curl(gw.connect_url("streaming-1", f"{STREAMING}/Expand"), "-H", "content-type: application/connect+json",
                 data=envelope(b"{}") + envelope(b"{}"), http2=http2)
    assert reply.status == 400 and reply.json()["code"] == "invalid_argument"


def test_a_backend_dying_mid_stream_ends_the_stream_unavailable(gw):
    """The Hold method sends one message and waits; the instance is killed under it."""
    import subprocess
    from support.connect import envelopes
    d = gw.daemon
    pid = instance_get(d, "probe-2")["PID"]
    proc = subprocess.Popen(["curl", "-sS", "--noproxy", "*", "-N", "--http2-prior-knowledge", "-H",
                             "content-type: application/connect+json", "--data-binary", "@-", "-o", "-",
                             gw.connect_url("probe-2", f"{PROBE}/Hold")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.stdin.write(envelope(b'{"text":"k"}'))
    proc.stdin.close()
    try:
        first = proc.stdout.read(5)
        length = int.from_bytes(first[1:], "big")
        assert json.loads(proc.stdout.read(length))["text"] == "first"
        os.kill(pid, signal.SIGKILL)
        started = time.monotonic()
        rest = proc.stdout.read()
        assert time.monotonic() - started < 5
    finally:
        proc.kill()
        proc.wait()
    [(flags, payload)] = envelopes(rest)
    assert flags == END_STREAM
    error = json.loads(payload)["error"]
    assert error["code"] == "unavailable" and "probe-2" in error["message"]
    wait_running(d, "probe-2", other_than_pid=pid, timeout=30)
    assert post_json(gw, "probe-2", ECHO, {"text": "again"}).json()["text"] == "again"


def test_access_log_lines_for_connect(gw):
    post_json(gw, "calculator-1", ADD, {"left": 1}, "-A", "connect-e2e/1")
    post_json(gw, "probe-1", ECHO, {"failCode": 7}, "-A", "connect-e2e/1")
    log = gw.daemon.data_dir / "access.log"

    def lines():
        return [json.loads(line) for line in log.read_text().splitlines() if '"connect-e2e/1"' in line]

    add, echo = wait_until(lambda: len(lines()) == 2 and lines(), timeout=5, message="two access log lines")
    assert add["protocol"] == "connect" and add["capset"] == "dev" and add["service"] == "calculator"
    assert add["instance"] == "calculator-1" and add["method"] == ADD and add["tool"] == ""
    assert add["route"] == gw.connect_path("calculator-1", ADD) and add["http_method"] == "POST"
    assert add["http_status"] == 200 and add["grpc_code"] == "OK"
    assert echo["http_status"] == 403 and echo["grpc_code"] == "PermissionDenied"
    assert "s3cr3t-tok" not in log.read_text() and CAPSET_TOKEN not in log.read_text()
