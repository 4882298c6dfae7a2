"""The gRPC gateway end to end (SPEC §8.2, §8.3, §8.8, §10): Python grpcio through the
daemon's port to real node instances — all four call kinds, metadata and trailers, every
error row, deadlines, cancellation, backend failures, restarts, concurrency, flow control,
reflection (v1 and v1alpha), capset tokens and edits under load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
import httpx
import pytest
from google.protobuf import descriptor_pb2, json_format
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from octobus_e2e import BIN
from support import abuse
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.gateway import CALCULATOR, PROBE, STREAMING, metadata_of, reply_json, setup_gateway
from support.grpc_client import CHANNEL_OPTIONS
from support.helpers import instance_dir
from support.processes import cli_json, instance_get, wait_running
from support.util import wait_until

pytestmark = pytest.mark.timeout(300)

ECHO = f"{PROBE}/Echo"
CAPSET_TOKEN = "cap-5b2e9f31d7a04c68"


def code_of(call):
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value.code(), info.value.details()


@pytest.fixture
def gateway(octobus, pkg):
    return setup_gateway(octobus, pkg)


def test_all_four_call_kinds_through_the_gateway(gateway):
    channel = gateway.channel()
    md = gateway.metadata("streaming-1")
    echo, Req = gateway.stub(channel, "streaming-1", f"{STREAMING}/Echo")
    assert reply_json(echo(Req(text="hi", count=7), metadata=md)) == {
        "text": "hi", "index": 7, "service_id": "streaming", "instance_id": "streaming-1", "label": "gw",
        "secret_token": "s3cr3t-tok"}
    expand, Req = gateway.stub(channel, "streaming-1", f"{STREAMING}/Expand", "unary_stream")
    assert [r.index for r in expand(Req(text="x", count=25), metadata=md)] == list(range(1, 26))
    collect, Req = gateway.stub(channel, "streaming-1", f"{STREAMING}/Collect", "stream_unary")
    reply = collect(iter([Req(text=t) for t in "abcd"]), metadata=md)
    assert (reply.text, reply.index) == ("a,b,c,d", 4)
    chat, Req = gateway.stub(channel, "streaming-1", f"{STREAMING}/Chat", "stream_stream")
    assert [(r.text, r.index) for r in chat(iter([Req(text=t) for t in ("p", "q", "r")]), metadata=md)] == \
        [("p", 1), ("q", 2), ("r", 3)]
    channel.close()


def test_metadata_headers_and_trailers_in_and_out(gateway):
    reply, call = gateway.unary("probe-1", ECHO, {"text": "m1"}, with_call=True, metadata=[
        ("x-octobus-ext-tenant", "acme"), ("x-octobus-secret-route", "no"), ("x-custom", "yes"),
        ("authorization", "Bearer caller-own")])
    seen = metadata_of(reply)
    assert seen["x-octobus-ext-tenant"] == ["acme"] and seen["x-custom"] == ["yes"]
    # Control metadata is stripped; with an open capset the caller's authorization passes through.
    assert not {"x-octobus-capset", "x-octobus-instance", "x-octobus-secret-route"} & set(seen)
    assert seen["authorization"] == ["Bearer caller-own"]
    assert ("x-probe-header", "h-m1") in call.initial_metadata()
    assert ("x-probe-trailer", "t-m1") in call.trailing_metadata()
    # Trailers-only failures keep the backend's trailers too.
    with pytest.raises(grpc.RpcError) as info:
        gateway.unary("probe-1", ECHO, {"text": "m2", "fail_code": 9, "fail_message": "not yet"})
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION and info.value.details() == "not yet"
    assert ("x-probe-trailer", "t-m2") in info.value.trailing_metadata()


def test_every_error_row(gateway, octobus, pkg):
    g = gateway
    with g.channel() as channel:
        echo, Req = g.stub(channel, "probe-1", ECHO)
        # missing routing metadata
        assert code_of(lambda: echo(Req(), metadata=[("x-octobus-capset", "dev")])) == (
            grpc.StatusCode.INVALID_ARGUMENT, "x-octobus-capset and x-octobus-instance metadata are required")
        # unknown capset, unknown instance
        for md in ([("x-octobus-capset", "nope"), ("x-octobus-instance", "probe-1")],
                   [("x-octobus-capset", "dev"), ("x-octobus-instance", "nope")]):
            assert code_of(lambda: echo(Req(), metadata=md)) == (grpc.StatusCode.NOT_FOUND, "method is not exposed by capset")
        # a method that is not bound: unary → NOT_FOUND, streaming → UNIMPLEMENTED
        cli_json(octobus, "capset", "unselect-method", "dev", "probe-1", f"{PROBE}/Hold")
        cli_json(octobus, "capset", "unselect-method", "dev", "probe-1", ECHO)
        assert code_of(lambda: echo(Req(), metadata=g.metadata("probe-1"))) == (
            grpc.StatusCode.NOT_FOUND, "method is not exposed by capset")
        hold, Req2 = g.stub(channel, "probe-1", f"{PROBE}/Hold", "unary_stream")
        assert code_of(lambda: list(hold(Req2(), metadata=g.metadata("probe-1")))) == (
            grpc.StatusCode.UNIMPLEMENTED, "method is not a unary service method")
        cli_json(octobus, "capset", "select-method", "dev", "probe-1", ECHO)
        # handler errors: GrpcError keeps its code and message, other throws are INTERNAL
        assert code_of(lambda: echo(Req(fail_code=7, fail_message="nope"), metadata=g.metadata("probe-1"))) == (
            grpc.StatusCode.PERMISSION_DENIED, "nope")
        assert code_of(lambda: echo(Req(text="throw"), metadata=g.metadata("probe-1"))) == (
            grpc.StatusCode.INTERNAL, "plain failure")
        # a proto method without a handler
        unhandled, Req3 = g.stub(channel, "probe-1", f"{PROBE}/Unhandled")
        code, details = code_of(lambda: unhandled(Req3(), metadata=g.metadata("probe-1")))
        assert code == grpc.StatusCode.UNIMPLEMENTED and "Unhandled is not implemented by package" in details
    # instance not running
    cli_json(octobus, "instance", "stop", "probe-1")
    assert code_of(lambda: g.unary("probe-1", ECHO)) == (grpc.StatusCode.UNAVAILABLE, "backend instance is not running")
    # bad or missing capset token
    assert octobus.cli("capset", "add-token", "dev", "t1", "--token", CAPSET_TOKEN).returncode == 0
    assert code_of(lambda: g.unary("streaming-1", f"{STREAMING}/Echo")) == (
        grpc.StatusCode.UNAUTHENTICATED, "capset token is required")
    assert code_of(lambda: g.unary("streaming-1", f"{STREAMING}/Echo", metadata=[("authorization", "Bearer wrong")]))[0] == \
        grpc.StatusCode.UNAUTHENTICATED
    assert g.unary("streaming-1", f"{STREAMING}/Echo", {"text": "ok"},
                   metadata=[("authorization", f"Bearer {CAPSET_TOKEN}")]).text == "ok"


def test_on_demand_calls_and_their_limits(octobus, pkg):
    g = setup_gateway(octobus, pkg, services=("probe-od",))
    reply, call = g.unary("probe-od-1", ECHO, {"text": "od"}, metadata=[("x-octobus-ext-k", "v")], with_call=True)
    assert reply.text == "od" and metadata_of(reply)["x-octobus-ext-k"] == ["v"]
    assert code_of(lambda: g.unary("probe-od-1", ECHO, {"fail_code": 5, "fail_message": "gone"})) == (
        grpc.StatusCode.NOT_FOUND, "gone")
    # streaming → UNIMPLEMENTED; a client deadline shorter than the call → DEADLINE_EXCEEDED
    with g.channel() as channel:
        hold, Req = g.stub(channel, "probe-od-1", f"{PROBE}/Hold", "unary_stream")
        assert code_of(lambda: list(hold(Req(), metadata=g.metadata("probe-od-1")))) == (
            grpc.StatusCode.UNIMPLEMENTED, "streaming methods are not supported by on-demand runtime")
    started = time.time()
    code, _ = code_of(lambda: g.unary("probe-od-1", ECHO, {"sleep_ms": 5000}, timeout=1.5))
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED and time.time() - started < 4


def test_deadlines_are_propagated_capped_and_enforced(gateway):
    # Unary: the backend sees the smaller of the client's deadline and 30 s.
    assert 0 < gateway.unary("probe-1", ECHO, {"text": "d"}).deadline_ms <= 30_000
    assert 0 < gateway.unary("probe-1", ECHO, {"text": "d"}, timeout=60).deadline_ms <= 30_000
    # A shorter client deadline is kept (not replaced by 30 s). grpcio pads the grpc-timeout it
    # sends: a 4 s timeout goes out as `4S` or `4010m` (seen on the wire), hence the margin.
    assert 0 < gateway.unary("probe-1", ECHO, {"text": "d"}, timeout=4).deadline_ms <= 4_100
    # Expiry: DEADLINE_EXCEEDED at once, and the upstream stream is reset (the handler sees it).
    started = time.time()
    code, _ = code_of(lambda: gateway.unary("probe-1", ECHO, {"text": "slow", "sleep_ms": 20_000}, timeout=0.8))
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED and time.time() - started < 3
    log = instance_dir(gateway.daemon, "probe-1") / "cancelled.log"
    wait_until(lambda: log.exists() and "echo:slow" in log.read_text(), timeout=5, message="the handler to see the reset")


def test_client_cancellation_reaches_the_handler(gateway):
    with gateway.channel() as channel:
        hold, Req = gateway.stub(channel, "probe-1", f"{PROBE}/Hold", "unary_stream")
        stream = hold(Req(text="c1"), metadata=gateway.metadata("probe-1"))
        assert next(stream).text == "first"
        stream.cancel()
    log = instance_dir(gateway.daemon, "probe-1") / "cancelled.log"
    wait_until(lambda: log.exists() and "hold:c1 1\n" in log.read_text(), timeout=5, message="cancellation at the handler")
    wait_until(lambda: '"grpc_code":"Canceled"' in (gateway.daemon.data_dir / "access.log").read_text(), timeout=5,
               message="the cancelled call in the access log")


def test_backend_death_mid_stream_is_unavailable_and_a_restart_is_picked_up(gateway, octobus):
    pid = instance_get(octobus, "probe-1")["PID"]
    with gateway.channel() as channel:
        hold, Req = gateway.stub(channel, "probe-1", f"{PROBE}/Hold", "unary_stream")
        stream = hold(Req(text="k"), metadata=gateway.metadata("probe-1"), timeout=30)
        assert next(stream).text == "first"
        os.kill(pid, signal.SIGKILL)
        started = time.time()
        with pytest.raises(grpc.RpcError) as info:
            next(stream)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE and "probe-1" in info.value.details()
        assert time.time() - started < 5
    # Supervision restarts it on a new port; the gateway routes there without a daemon restart.
    wait_running(octobus, "probe-1", other_than_pid=pid, timeout=30)
    assert gateway.unary("probe-1", ECHO, {"text": "back"}).text == "back"
    new_pid = instance_get(octobus, "probe-1")["PID"]
    cli_json(octobus, "instance", "restart", "probe-1")
    wait_running(octobus, "probe-1", other_than_pid=new_pid)
    assert gateway.unary("probe-1", ECHO, {"text": "again"}).text == "again"


def test_a_thousand_streams_on_one_connection_and_a_hundred_connections(gateway):
    with gateway.channel() as channel:
        echo, Req = gateway.stub(channel, "probe-1", ECHO)
        futures = [echo.future(Req(text=str(i)), metadata=gateway.metadata("probe-1"), timeout=60) for i in range(1000)]
        assert [f.result().text for f in futures] == [str(i) for i in range(1000)]

    def ten_calls(index):
        with gateway.channel() as channel:
            echo, Req = gateway.stub(channel, "probe-1", ECHO)
            futures = [echo.future(Req(text=f"{index}-{i}"), metadata=gateway.metadata("probe-1"), timeout=60) for i in range(10)]
            return [f.result().text for f in futures]

    with ThreadPoolExecutor(max_workers=100) as pool:
        results = list(pool.map(ten_calls, range(100)))
    assert results == [[f"{c}-{i}" for i in range(10)] for c in range(100)]


def test_a_slow_consumer_of_a_gigabyte_stream_keeps_gateway_memory_bounded(gateway):
    pid = gateway.daemon.process.pid
    idle = abuse.rss_kib(pid)
    peak = abuse.PeakRSS(pid)
    size, count = 64 * 1024, 16 * 1024  # 1 GiB
    received = 0
    with gateway.channel(**{"grpc.max_receive_message_length": 1 << 20}) as channel:
        firehose, Req = gateway.stub(channel, "probe-1", f"{PROBE}/Firehose", "unary_stream")
        for index, reply in enumerate(firehose(Req(count=count, size=size), metadata=gateway.metadata("probe-1"), timeout=240)):
            received += len(reply.payload)
            if index % 256 == 0:
                time.sleep(0.05)  # slower than the backend produces
    peak_kib = peak.stop()
    assert received == size * count
    print(f"1 GiB slow stream: gateway RSS idle {idle} KiB, peak {peak_kib} KiB")
    assert peak_kib - idle < 64 * 1024, f"peak {peak_kib} KiB from idle {idle} KiB"


def test_oversized_messages_are_resource_exhausted(gateway):
    code, details = code_of(lambda: gateway.unary("probe-1", ECHO, {"text": "x" * (5 << 20)}))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and "exceeds the limit of 4194304 bytes" in details
    with gateway.channel(**{"grpc.max_receive_message_length": 64 << 20}) as channel:
        firehose, Req = gateway.stub(channel, "probe-1", f"{PROBE}/Firehose", "unary_stream")
        with pytest.raises(grpc.RpcError) as info:
            list(firehose(Req(count=1, size=5 << 20), metadata=gateway.metadata("probe-1")))
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_the_message_limit_is_configurable(start_octobus, pkg):
    """`--max-message-size 64K`: a 60 KB message passes both ways, 70 KB is RESOURCE_EXHAUSTED
    each way with the configured limit in the message; bad values are refused at start."""
    g = setup_gateway(start_octobus(args=("--max-message-size", "64K")), pkg, services=("probe",))
    wait_running(g.daemon, "probe-1")
    # Firehose ignores `text`: it carries the request's size; `size` sets each reply's.
    with g.channel() as channel:
        firehose, Req = g.stub(channel, "probe-1", f"{PROBE}/Firehose", "unary_stream")
        md = g.metadata("probe-1")
        assert len(list(firehose(Req(text="x" * 60_000, count=2, size=60_000), metadata=md))) == 2
        with pytest.raises(grpc.RpcError) as info:
            list(firehose(Req(text="x" * 70_000, count=1, size=10), metadata=md))
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and "exceeds the limit of 65536 bytes" in info.value.details()
        with pytest.raises(grpc.RpcError) as info:
            list(firehose(Req(count=1, size=70_000), metadata=md))
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    for bad in ("0", "512", "1G", "lots"):
        result = subprocess.run([BIN, "serve", "--addr", "127.0.0.1:0", "--data-dir", str(g.daemon.data_dir) + "-bad",
                                 "--max-message-size", bad], capture_output=True, text=True, timeout=20)
        assert result.returncode == 1 and "--max-message-size" in result.stderr, (bad, result.stderr)


def test_gateway_health_without_routing_metadata(gateway):
    with grpc.insecure_channel(gateway.target, options=CHANNEL_OPTIONS) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda b: b,
                                    response_deserializer=lambda b: b)
        assert check(b"", timeout=5) == b"\x08\x01"


def reflection_request(path: str, channel, capset: str, requests, token: str | None = None):
    call = channel.stream_stream(path, request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    md = [("x-octobus-capset", capset)] + ([("authorization", f"Bearer {token}")] if token else [])
    return list(call(iter(requests), metadata=md, timeout=10))


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_reflection_is_scoped_to_the_capset(gateway, octobus, version):
    path = f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo"
    cli_json(octobus, "capset", "create", "narrow")
    cli_json(octobus, "capset", "add-instance", "narrow", "probe-1", "--no-all-methods")
    cli_json(octobus, "capset", "select-method", "narrow", "probe-1", ECHO)
    with gateway.channel() as channel:
        [services] = reflection_request(path, channel, "dev", [reflection_pb2.ServerReflectionRequest(list_services="*")])
        assert [s.name for s in services.list_services_response.service] == [PROBE, STREAMING]
        [narrow] = reflection_request(path, channel, "narrow", [reflection_pb2.ServerReflectionRequest(list_services="*")])
        assert [s.name for s in narrow.list_services_response.service] == [PROBE]
        # The served file lists only the exposed method; nested messages and enums resolve.
        replies = reflection_request(path, channel, "narrow", [
            reflection_pb2.ServerReflectionRequest(file_containing_symbol=PROBE, host="h"),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="probe.v1.ProbeRequest.Options"),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="probe.v1.ProbeRequest.Options.Mode"),
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="streaming.v1.StreamingService"),
            reflection_pb2.ServerReflectionRequest(file_by_filename="probe.proto"),
            reflection_pb2.ServerReflectionRequest(all_extension_numbers_of_type="x"),
        ])
        files = [descriptor_pb2.FileDescriptorProto.FromString(b) for b in replies[0].file_descriptor_response.file_descriptor_proto]
        assert [f.name for f in files] == ["probe.proto"]
        assert [m.name for m in files[0].service[0].method] == ["Echo"]
        assert replies[0].valid_host == "h" and replies[0].original_request.file_containing_symbol == PROBE
        assert replies[1].file_descriptor_response.file_descriptor_proto and replies[2].file_descriptor_response.file_descriptor_proto
        assert (replies[3].error_response.error_code, replies[3].error_response.error_message) == (5, "symbol not found")
        assert replies[4].file_descriptor_response.file_descriptor_proto
        assert (replies[5].error_response.error_code, replies[5].error_response.error_message) == (12, "reflection request is not supported")
        for capset, expected in (("unknown", grpc.StatusCode.NOT_FOUND),):
            with pytest.raises(grpc.RpcError) as info:
                reflection_request(path, channel, capset, [reflection_pb2.ServerReflectionRequest(list_services="*")])
            assert info.value.code() == expected and info.value.details() == "capset not found"


def test_reflection_client_describes_messages_with_nested_types(gateway):
    with gateway.channel() as channel:
        # grpcio-reflection's own client (v1alpha) with the routing metadata added to each call.
        class WithCapset(grpc.UnaryStreamClientInterceptor, grpc.StreamStreamClientInterceptor):
            def intercept_stream_stream(self, continuation, details, iterator):
                details = details._replace(metadata=[("x-octobus-capset", "dev")])
                return continuation(details, iterator)

            def intercept_unary_stream(self, continuation, details, request):
                return continuation(details._replace(metadata=[("x-octobus-capset", "dev")]), request)

        database = ProtoReflectionDescriptorDatabase(grpc.intercept_channel(channel, WithCapset()))
        assert sorted(database.get_services()) == [PROBE, STREAMING]
        from google.protobuf.descriptor_pool import DescriptorPool
        pool = DescriptorPool(database)
        echo = pool.FindServiceByName(PROBE).methods_by_name["Echo"]
        options = echo.input_type.fields_by_name["options"].message_type
        assert options.full_name == "probe.v1.ProbeRequest.Options"
        assert options.fields_by_name["mode"].enum_type.values_by_name["MODE_LOUD"].number == 1
        assert pool.FindMessageTypeByName("probe.v1.ProbeRequest.Options").fields_by_name["tag"].type == 9


def test_capset_tokens_guard_grpc_and_reflection(gateway, octobus):
    assert octobus.cli("capset", "add-token", "dev", "t1", "--token-stdin", input=CAPSET_TOKEN).returncode == 0
    auth = [("authorization", f"Bearer {CAPSET_TOKEN}")]
    assert code_of(lambda: gateway.unary("probe-1", ECHO))[0] == grpc.StatusCode.UNAUTHENTICATED
    reply = gateway.unary("probe-1", ECHO, {"text": "tok"}, metadata=auth)
    # The capset token never reaches the package.
    assert "authorization" not in metadata_of(reply)
    path = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
    with gateway.channel() as channel:
        with pytest.raises(grpc.RpcError) as info:
            reflection_request(path, channel, "dev", [reflection_pb2.ServerReflectionRequest(list_services="*")])
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert reflection_request(path, channel, "dev", [reflection_pb2.ServerReflectionRequest(list_services="*")], token=CAPSET_TOKEN)
    wait_until(lambda: cli_json(octobus, "capset", "list-tokens", "dev")["tokens"][0]["LastUsedAt"] != "0001-01-01T00:00:00Z",
               timeout=5, message="last_used_at")
    assert octobus.cli("capset", "remove-token", "dev", "t1").returncode == 0
    assert gateway.unary("probe-1", ECHO, {"text": "open"}).text == "open"
    logs = octobus.log() + (octobus.data_dir / "access.log").read_text()
    assert CAPSET_TOKEN not in logs and "s3cr3t-tok" not in logs


def test_capset_edits_during_load(gateway, octobus, pkg):
    g = gateway
    stop = threading.Event()
    outcomes = {"ok": 0}
    unexpected = []

    def caller():
        with g.channel() as channel:
            echo, Req = g.stub(channel, "probe-1", ECHO)
            while not stop.is_set():
                try:
                    echo(Req(text="load"), metadata=g.metadata("probe-1"), timeout=10)
                    outcomes["ok"] += 1
                except grpc.RpcError as error:
                    if error.code() != grpc.StatusCode.NOT_FOUND:
                        unexpected.append((error.code(), error.details()))

    # An unrelated long stream must complete untouched.
    relay_result = {}

    def relay():
        with g.channel() as channel:
            call, Req = g.stub(channel, "streaming-1", f"{STREAMING}/Chat", "stream_stream")

            def requests():
                for i in range(40):
                    time.sleep(0.05)
                    yield Req(text=str(i))

            relay_result["replies"] = [r.text for r in call(requests(), metadata=g.metadata("streaming-1"), timeout=60)]

    threads = [threading.Thread(target=caller) for _ in range(4)] + [threading.Thread(target=relay)]
    for t in threads:
        t.start()
    for round_ in range(3):
        cli_json(octobus, "capset", "unselect-method", "dev", "probe-1", ECHO)
        cli_json(octobus, "capset", "select-method", "dev", "probe-1", ECHO)
        cli_json(octobus, "capset", "remove-instance", "dev", "probe-1")
        cli_json(octobus, "capset", "add-instance", "dev", "probe-1")
        cli_json(octobus, "capset", "update", "dev", "--enabled", "false")
        cli_json(octobus, "capset", "update", "dev", "--enabled", "true")
    stop.set()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "a call hung"
    assert unexpected == []
    assert outcomes["ok"] > 0
    assert relay_result["replies"] == [str(i) for i in range(40)]


def test_catalog_and_access_log(gateway, octobus):
    gateway.unary("probe-1", ECHO, {"text": "c"})
    catalog = cli_json(octobus, "catalog", "dev", "--all")
    assert catalog["capset_id"] == "dev" and set(catalog) == {"capset_id", "name", "description", "grpc", "mcp", "connect_rpc"}
    grpc_item = next(i for i in catalog["grpc"] if i["method_full_name"] == ECHO)
    assert grpc_item["metadata"] == {"x-octobus-capset": "dev", "x-octobus-instance": "probe-1"}
    assert grpc_item["method_path"] == f"/{ECHO}" and grpc_item["backend_instance_status"] == "running"
    assert grpc_item["request_message_full_name"] == "probe.v1.ProbeRequest"
    # MCP: exactly the tools tools/list serves (server-streaming methods too; no client streams).
    tools = {i["tool_name"]: i["server_streaming"] for i in catalog["mcp"]}
    assert tools["probe__probe-1__echo"] is False and tools["probe__probe-1__hold"] is True
    assert not any("relay" in t for t in tools)
    listed = gateway.daemon.url + "/capsets/dev/mcp"
    reply = httpx.post(listed, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, timeout=30,
                       headers={"accept": "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18"})
    assert set(tools) == {tool["name"] for tool in reply.json()["result"]["tools"]}
    connect = next(i for i in catalog["connect_rpc"] if i["method_full_name"] == ECHO)
    assert connect["endpoint"] == f"/capsets/dev/connect/probe-1/{ECHO}" and connect["server_streaming"] is False
    hold = next(i for i in catalog["connect_rpc"] if i["method_full_name"] == f"{PROBE}/Hold")
    assert hold["content_types"] == ["application/connect+json", "application/connect+proto"]
    assert cli_json(octobus, "catalog", "dev")["mcp"] == []  # gRPC only by default
    md = octobus.cli("catalog", "dev", "--md", "--grpc")
    assert md.returncode == 0 and md.stdout.startswith("# Catalog: dev") and "## gRPC" in md.stdout and "## MCP" not in md.stdout
    assert octobus.cli("catalog", "nope").returncode == 1
    assert "all cannot be combined" in octobus.cli("catalog", "dev", "--all", "--mcp").stderr \
        or "--all cannot be combined" in octobus.cli("catalog", "dev", "--all", "--mcp").stderr
    # The access log: one line per call, filters, tail, no bodies or secrets.
    wait_until(lambda: len((octobus.data_dir / "access.log").read_text().splitlines()) >= 1, timeout=5)
    out = octobus.cli("logs", "--capset", "dev", "--instance", "probe-1")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines and all(line["capset"] == "dev" and line["instance"] == "probe-1" for line in lines)
    first = lines[0]
    assert list(first) == ["ts", "protocol", "capset", "service", "instance", "method", "tool", "route", "http_method",
                           "http_status", "grpc_code", "duration_ms", "remote_addr", "user_agent"]
    assert first["protocol"] == "grpc" and first["grpc_code"] == "OK" and first["service"] == "probe"
    assert octobus.cli("logs", "--instance", "none").stdout == ""
    # -f prints new lines as they come.
    follower = subprocess.Popen([BIN, "--addr", octobus.addr, "logs", "-f", "--instance", "probe-1", "--tail", "0"],
                                stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)  # let the follower connect before the call it must see
        gateway.unary("probe-1", ECHO, {"text": "followed"})
        line = follower.stdout.readline()
        assert json.loads(line)["method"] == ECHO
    finally:
        follower.terminate()
        follower.wait(timeout=10)
    assert len(octobus.cli("logs", "--tail", "1").stdout.splitlines()) == 1
    assert "mutually exclusive" in octobus.cli("logs", "--limit", "1", "--tail", "1").stderr or \
        "cannot be combined" in octobus.cli("logs", "--limit", "1", "--tail", "1").stderr
