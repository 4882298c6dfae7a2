"""`--runtime serve` of examples/streaming-js driven by grpcio: the four kinds of
call, health, concurrency, size limits and compression."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from conftest import HEALTH_CHECK, SERVING, stub_for

SERVICE = "streaming.v1.StreamingService"
CONFIG = {"label": "py-label"}
SECRET = {"apiToken": "py-token"}


@pytest.fixture(scope="module")
def server(module_services):
    return module_services("streaming", config=CONFIG, secret=SECRET, service_id="streaming-svc",
                           instance_id="streaming-1")


@pytest.fixture
def channel(server):
    with grpc.insecure_channel(server.address) as ch:
        yield ch


@pytest.fixture
def stub(server, channel):
    return stub_for(server, SERVICE, channel)


def test_unary_echo_carries_runtime_context(stub):
    reply = stub.Echo(
        stub.Request("Echo", text="hello", count=7),
        metadata=[("x-business-request-id", "req-42"), ("x-octobus-capset", "dev")],
        timeout=10,
    )
    assert reply.text == "hello"
    assert reply.index == 7
    assert reply.service_id == "streaming-svc"
    assert reply.instance_id == "streaming-1"
    assert reply.label == "py-label"
    assert reply.business_request_id == "req-42"
    assert reply.secret_token == "py-token"


def test_ext_metadata_wins_over_legacy_request_id(stub):
    reply = stub.Echo(
        stub.Request("Echo", text="x"),
        metadata=[("x-business-request-id", "old"), ("x-octobus-ext-business-request-id", "new")],
        timeout=10,
    )
    assert reply.business_request_id == "new"


def test_server_streaming_expand(stub):
    replies = list(stub.Expand(stub.Request("Expand", text="s", count=5), timeout=10))
    assert [r.index for r in replies] == [1, 2, 3, 4, 5]
    assert {r.text for r in replies} == {"s"}
    assert {r.label for r in replies} == {"py-label"}


def test_server_streaming_with_zero_count_is_empty_and_ok(stub):
    call = stub.Expand(stub.Request("Expand", text="s", count=0), timeout=10)
    assert list(call) == []
    assert call.code() == grpc.StatusCode.OK


def test_client_streaming_collect(stub):
    requests = iter([stub.Request("Collect", text=t) for t in ["a", "b", "c"]])
    reply = stub.Collect(requests, timeout=10)
    assert reply.text == "a,b,c"
    assert reply.index == 3


def test_client_streaming_with_no_requests(stub):
    reply = stub.Collect(iter([]), timeout=10)
    assert reply.text == ""
    assert reply.index == 0


def test_bidi_chat_answers_each_request_before_the_next_is_sent(stub):
    # The next request is only sent after the reply to the previous one
    # arrived, so a server that buffered until half-close would deadlock.
    outbox: queue.Queue = queue.Queue()

    def requests():
        while True:
            item = outbox.get()
            if item is None:
                return
            yield item

    call = stub.Chat(requests(), timeout=10)
    seen = []
    for text in ["one", "two", "three"]:
        outbox.put(stub.Request("Chat", text=text))
        reply = next(call)
        seen.append((reply.text, reply.index))
    outbox.put(None)
    assert list(call) == []
    assert seen == [("one", 1), ("two", 2), ("three", 3)]


def test_health_check_serving_and_watch_unimplemented(channel):
    check = channel.unary_unary(HEALTH_CHECK, request_serializer=None, response_deserializer=None)
    assert check(b"", timeout=5) == SERVING
    assert check(b"\x0a\x09streaming", timeout=5) == SERVING
    watch = channel.unary_stream("/grpc.health.v1.Health/Watch", request_serializer=None, response_deserializer=None)
    with pytest.raises(grpc.RpcError) as err:
        list(watch(b"", timeout=5))
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_unknown_method_is_unimplemented(channel):
    call = channel.unary_unary("/streaming.v1.StreamingService/Nope", request_serializer=None,
                               response_deserializer=None)
    with pytest.raises(grpc.RpcError) as err:
        call(b"", timeout=5)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_two_hundred_concurrent_calls(stub):
    futures = [
        stub.Echo.future(stub.Request("Echo", text=f"m{i}", count=i), timeout=30)
        for i in range(200)
    ]
    replies = [f.result() for f in futures]
    assert [(r.text, r.index) for r in replies] == [(f"m{i}", i) for i in range(200)]


def test_two_hundred_concurrent_streams_from_threads(server):
    # Separate channels (connections) from many threads at once.
    def one(i):
        with grpc.insecure_channel(server.address) as ch:
            s = stub_for(server, SERVICE, ch)
            return [r.index for r in s.Expand(s.Request("Expand", text="t", count=3), timeout=30)]

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(one, range(200)))
    assert results == [[1, 2, 3]] * 200


def test_message_over_receive_limit_is_resource_exhausted(stub):
    big = "x" * (4 * 1024 * 1024 + 16)
    with pytest.raises(grpc.RpcError) as err:
        stub.Echo(stub.Request("Echo", text=big), timeout=30)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    # The server stays healthy for the next call.
    assert stub.Echo(stub.Request("Echo", text="after"), timeout=10).text == "after"


def test_message_just_under_the_limit_is_accepted(stub):
    text = "y" * (4 * 1024 * 1024 - 64)
    reply = stub.Echo(stub.Request("Echo", text=text), timeout=30)
    assert len(reply.text) == len(text)


def test_gzip_compressed_request_and_response(server):
    with grpc.insecure_channel(server.address, compression=grpc.Compression.Gzip) as ch:
        stub = stub_for(server, SERVICE, ch)
        # 3 MiB of text compresses to a few KiB on the wire and must be
        # decompressed by the server to be echoed back.
        text = "compressible " * (3 * 1024 * 1024 // 13)
        reply = stub.Echo(stub.Request("Echo", text=text), timeout=30)
        assert reply.text == text
        replies = list(stub.Chat(iter([stub.Request("Chat", text=str(i)) for i in range(5)]), timeout=10))
        assert [r.index for r in replies] == [1, 2, 3, 4, 5]


def test_many_streams_in_parallel_threads_on_one_channel(stub):
    errors = []

    def worker(n):
        try:
            replies = list(stub.Chat(iter([stub.Request("Chat", text=f"{n}-{i}") for i in range(20)]), timeout=30))
            assert [r.text for r in replies] == [f"{n}-{i}" for i in range(20)]
        except Exception as error:  # collected and re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
