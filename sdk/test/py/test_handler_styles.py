"""Handlers written as `(ctx)`, `({ request, config })`, `(req, ctx)` and
`(req, ctx = {})` (sdk/test/fixtures/handler-styles) each get the arguments
they declare, in all four method kinds, through a grpcio client against
`--runtime serve` started the way the daemon starts it."""

from __future__ import annotations

import grpc
import pytest

from conftest import stub_for

SERVICE = "styles.v1.StyleService"
STYLES = ["Ctx", "Destructured", "RequestFirst", "RequestDefault"]


@pytest.fixture(scope="module")
def server(module_services):
    return module_services("styles", config={"label": "py"})


@pytest.fixture
def stub(server):
    with grpc.insecure_channel(server.address) as ch:
        yield stub_for(server, SERVICE, ch)


def fields(reply):
    return (reply.text, reply.index, reply.label, reply.method)


def expected(style, kind, text, index):
    return (text, index, "py", f"{SERVICE}/{style}{kind}")


@pytest.mark.parametrize("style", STYLES)
def test_unary(stub, style):
    reply = getattr(stub, f"{style}Unary")(stub.Request(f"{style}Unary", text="hi", count=5), timeout=5)
    assert fields(reply) == expected(style, "Unary", "hi", 5)


@pytest.mark.parametrize("style", STYLES)
def test_server_streaming(stub, style):
    replies = list(getattr(stub, f"{style}Expand")(stub.Request(f"{style}Expand", text="x", count=3), timeout=5))
    assert [fields(r) for r in replies] == [expected(style, "Expand", "x", i) for i in (1, 2, 3)]


@pytest.mark.parametrize("style", STYLES)
def test_client_streaming(stub, style):
    requests = iter([stub.Request(f"{style}Collect", text=t) for t in ("a", "b", "c", "d")])
    reply = getattr(stub, f"{style}Collect")(requests, timeout=5)
    assert fields(reply) == expected(style, "Collect", "a,b,c,d", 4)


@pytest.mark.parametrize("style", STYLES)
def test_bidi_streaming(stub, style):
    requests = iter([stub.Request(f"{style}Chat", text=t) for t in ("one", "two", "three")])
    replies = list(getattr(stub, f"{style}Chat")(requests, timeout=5))
    assert [fields(r) for r in replies] == [
        expected(style, "Chat", "ONE", 1),
        expected(style, "Chat", "TWO", 2),
        expected(style, "Chat", "THREE", 3),
    ]
