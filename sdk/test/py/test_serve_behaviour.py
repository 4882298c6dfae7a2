"""`--runtime serve` error mapping, deadlines, cancellation and graceful stop,
driven by grpcio against the probe fixture package."""

from __future__ import annotations

import json
import signal
import time

import grpc
import pytest

from conftest import stub_for

SERVICE = "probe.v1.ProbeService"


@pytest.fixture(scope="module")
def server(module_services):
    return module_services("probe")


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(server.address) as ch:
        yield ch


@pytest.fixture
def stub(server, channel):
    return stub_for(server, SERVICE, channel)


def observed(stub, key):
    return json.loads(stub.Observed(stub.Request("Observed", key=key), timeout=5).text)


def wait_observed(stub, key, predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = observed(stub, key)
        if state is not None and predicate(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"{key}: last observed state {state!r}")


def test_grpc_error_reaches_client_with_its_code_and_message(stub):
    with pytest.raises(grpc.RpcError) as err:
        stub.Fail(stub.Request("Fail", code=5, message="widget 7 not found"), timeout=5)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert err.value.details() == "widget 7 not found"


def test_grpc_error_message_survives_non_ascii_and_percent(stub):
    message = "façade 100% 失败\nline two"
    with pytest.raises(grpc.RpcError) as err:
        stub.Fail(stub.Request("Fail", code=9, message=message), timeout=5)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details() == message


def test_thrown_error_is_internal_with_its_message(stub):
    with pytest.raises(grpc.RpcError) as err:
        stub.Throw(stub.Request("Throw", message="database exploded"), timeout=5)
    assert err.value.code() == grpc.StatusCode.INTERNAL
    assert err.value.details() == "database exploded"


def test_proto_method_without_handler_is_unimplemented_naming_the_package(stub):
    with pytest.raises(grpc.RpcError) as err:
        stub.NoHandler(stub.Request("NoHandler"), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert err.value.details() == "method probe.v1.ProbeService/NoHandler is not implemented by package probe@0.1.0"


def test_unencodable_response_is_internal(stub):
    # {index: "not a number"} is neither ProtoJSON nor an init object of Reply:
    # INTERNAL naming the method and the field, not OK with an empty message.
    with pytest.raises(grpc.RpcError) as err:
        stub.BadResponse(stub.Request("BadResponse"), timeout=5)
    assert err.value.code() == grpc.StatusCode.INTERNAL
    details = err.value.details()
    assert details.startswith("invalid response from probe.v1.ProbeService/BadResponse: ")
    assert "probe.v1.Reply.index" in details


def test_streaming_handler_returning_non_iterable_is_internal(stub):
    with pytest.raises(grpc.RpcError) as err:
        list(stub.NotIterable(stub.Request("NotIterable"), timeout=5))
    assert err.value.code() == grpc.StatusCode.INTERNAL
    assert "iterable" in err.value.details()


def test_deadline_exceeded_and_handler_sees_the_abort(stub):
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as err:
        stub.Sleep(stub.Request("Sleep", ms=5000, key="deadline"), timeout=0.3)
    assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 3
    state = wait_observed(stub, "deadline", lambda s: s.get("finished"))
    assert state["hasDeadline"] is True
    assert state["aborted"] is True
    # DEADLINE_EXCEEDED (server timer) or CANCELLED (client's RST) may come first.
    assert state["reasonCode"] in (1, 4)


def test_unary_cancellation_reaches_the_handler(stub):
    future = stub.Sleep.future(stub.Request("Sleep", ms=10000, key="cancel-unary"), timeout=30)
    wait_observed(stub, "cancel-unary", lambda s: s.get("started"))
    assert future.cancel()
    state = wait_observed(stub, "cancel-unary", lambda s: s.get("finished"))
    assert state == {"started": True, "hasDeadline": True, "finished": True, "aborted": True, "reasonCode": 1}


def test_server_stream_cancellation_stops_the_generator(stub):
    call = stub.Ticks(stub.Request("Ticks", ms=20, key="cancel-stream"), timeout=30)
    first = [next(call).index for _ in range(3)]
    assert first == [1, 2, 3]
    call.cancel()
    state = wait_observed(stub, "cancel-stream", lambda s: s.get("finallyRan"))
    assert state["aborted"] is True
    ticks = state["ticks"]
    time.sleep(0.3)
    assert observed(stub, "cancel-stream")["ticks"] == ticks, "generator kept running after cancel"


def test_client_stream_cancellation_ends_requests_and_aborts(stub):
    gate = []

    def requests():
        yield stub.Request("Upload", key="cancel-upload")
        yield stub.Request("Upload", key="cancel-upload")
        while not gate:
            time.sleep(0.02)

    future = stub.Upload.future(requests(), timeout=30)
    wait_observed(stub, "cancel-upload", lambda s: s.get("received") == 2)
    future.cancel()
    state = wait_observed(stub, "cancel-upload", lambda s: s.get("requestsEnded"))
    gate.append(True)
    assert state["aborted"] is True
    assert state["reasonCode"] == 1


def test_metadata_reaches_handler_without_control_keys(stub):
    reply = stub.Echo(
        stub.Request("Echo", payload=b"abc"),
        metadata=[
            ("x-octobus-capset", "dev"),
            ("x-octobus-instance", "i1"),
            ("x-octobus-ext-username", "alice"),
            ("x-multi", "one"),
            ("x-multi", "two"),
        ],
        timeout=5,
    )
    seen = json.loads(reply.text)
    assert reply.size == 3
    assert "x-octobus-capset" not in seen["metadata"]
    assert "x-octobus-instance" not in seen["metadata"]
    assert seen["metadata"]["x-octobus-ext-username"] == "alice"
    assert seen["all"] == ["one", "two"]
    assert seen["first"] == "one"


def test_sigterm_lets_the_in_flight_call_finish_then_exits_zero(start_service):
    proc = start_service("probe")
    with grpc.insecure_channel(proc.address) as ch:
        stub = stub_for(proc, SERVICE, ch)
        future = stub.Sleep.future(stub.Request("Sleep", ms=800, key="sigterm"), timeout=10)
        time.sleep(0.2)
        proc.signal(signal.SIGTERM)
        reply = future.result()
        assert reply.text == "slept"
        assert proc.wait(timeout=10) == 0
    assert "SIGTERM" in proc.stderr()


def test_sigint_with_nothing_in_flight_exits_zero_quickly(start_service):
    proc = start_service("probe")
    started = time.monotonic()
    proc.signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    assert time.monotonic() - started < 2


def test_sigterm_grace_period_ends_long_calls_with_unavailable(start_service):
    proc = start_service("probe", extra_env={"OCTOBUS_SDK_SHUTDOWN_GRACE_MS": "300"})
    with grpc.insecure_channel(proc.address) as ch:
        stub = stub_for(proc, SERVICE, ch)
        future = stub.Sleep.future(stub.Request("Sleep", ms=20000, key="grace"), timeout=30)
        time.sleep(0.2)
        started = time.monotonic()
        proc.signal(signal.SIGTERM)
        with pytest.raises(grpc.RpcError) as err:
            future.result()
        assert err.value.code() == grpc.StatusCode.UNAVAILABLE
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 5
