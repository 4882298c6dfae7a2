"""A package written exactly in the upstream SDK's style (sdk/test/fixtures/
upstream-style) serves correctly: BigInt int64 fields, `{case, value}` oneofs,
`metadata.get(k)[0]`, `GrpcError(grpcStatus.X, …)`, `status.X`, a "/"-prefixed
handler key, ProtoJSON-shaped stream items, WKT Timestamp values, request
fields read by their proto names (`request.account_id`)."""

from __future__ import annotations

import grpc
import pytest

from conftest import stub_for

SERVICE = "ledger.v1.LedgerService"
INT64_MAX = 2**63 - 1


@pytest.fixture(scope="module")
def server(module_services):
    return module_services("ledger")


@pytest.fixture
def stub(server):
    with grpc.insecure_channel(server.address) as ch:
        yield stub_for(server, SERVICE, ch)


def transfer(stub, metadata=(("x-request-id", "req-1"),), **fields):
    return stub.Transfer(stub.Request("Transfer", **fields), metadata=list(metadata), timeout=5)


def test_int64_bigint_arithmetic_and_oneof_email(stub):
    reply = transfer(stub, amount=250, account_id=9, email="a@example.com", kind=2, tags=["x", "y"],
                     limits={"daily": 10, "monthly": 32})
    assert reply.new_balance == 750
    assert reply.request_id == "req-1"
    assert reply.target_kind == "email:a@example.com;tags=x|y"
    assert reply.kind == 2
    assert reply.limit_total == 42
    assert reply.WhichOneof("result") == "receipt"
    assert reply.receipt.id == "r-9"
    assert reply.receipt.created_at.seconds == 1700000000
    assert reply.receipt.created_at.nanos == 5


def test_oneof_int64_case_uses_camel_case_name_and_bigint_value(stub):
    # user_id = INT64_MAX - 1: the handler adds 1n, which only works (and only
    # stays exact) when the value arrives as a BigInt.
    reply = transfer(stub, amount=1, account_id=2, user_id=INT64_MAX - 1)
    assert reply.target_kind == f"user:{INT64_MAX};tags="


def test_negative_int64_and_large_uint64(stub):
    reply = transfer(stub, amount=-5, account_id=2**64 - 1, email="e")
    assert reply.new_balance == 1005
    assert reply.receipt.id == f"r-{2**64 - 1}"


def test_oneof_string_case_returned_by_handler(stub):
    reply = transfer(stub, amount=0, account_id=3, email="z")
    assert reply.WhichOneof("result") == "note"
    assert reply.note == "nothing to transfer"


def test_grpc_status_constants_map_to_codes(stub):
    with pytest.raises(grpc.RpcError) as err:
        transfer(stub, amount=5000, account_id=1, email="e")
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert err.value.details() == "insufficient funds for 5000"

    with pytest.raises(grpc.RpcError) as err:
        transfer(stub, amount=1, account_id=0, email="e")
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert err.value.details() == "account 0 not found"

    with pytest.raises(grpc.RpcError) as err:
        transfer(stub, amount=1, account_id=1)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == "target is required"


def test_missing_metadata_is_reported_by_the_handler(stub):
    with pytest.raises(grpc.RpcError) as err:
        transfer(stub, metadata=(), amount=1, account_id=1, email="e")
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details() == "x-request-id metadata is required"


def test_slash_prefixed_handler_key_and_protojson_stream_items(stub):
    replies = list(stub.History(stub.Request("History", account_id=2**63 + 5, count=3), timeout=5))
    assert [r.sequence for r in replies] == [1, 2, 3]
    assert {r.account_id for r in replies} == {2**63 + 5}
    assert [r.memo for r in replies] == ["entry 1", "entry 2", "entry 3"]


def test_handler_reads_request_fields_by_proto_name_nested_too(stub):
    # The handler reads `account_id` and `filter.memo_prefix` (proto names).
    request = stub.Request("History", account_id=7, count=2)
    request.filter.memo_prefix = "memo"
    replies = list(stub.History(request, timeout=5))
    assert [r.memo for r in replies] == ["memo 1", "memo 2"]
    assert {r.account_id for r in replies} == {7}
