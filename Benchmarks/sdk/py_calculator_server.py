"""A Python grpcio server with the same calculator.v1.CalculatorService/Add as
examples/calculator-js, for comparing the Node SDK's server against grpcio.

Message classes are built at run time from a FileDescriptorSet (no generated
code). Add does what the JS handler does: left + right, the runtime fields
from config/secret/metadata/env, and the metadata written to ./metadata.json.

    python py_calculator_server.py --descriptor calc.protoset --port 50052 [--aio] [--workers 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from concurrent import futures
from pathlib import Path

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

SERVICE = "calculator.v1.CalculatorService"


def load_types(descriptor: Path):
    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    get = lambda name: message_factory.GetMessageClass(pool.FindMessageTypeByName(name))  # noqa: E731
    return get("calculator.v1.BinaryOperationRequest"), get("calculator.v1.CalculatorResponse")


def make_add(response_type, config: dict, secret: dict):
    last_recorded = [None]

    def add(request, context):
        metadata: dict[str, list[str]] = {}
        for key, value in context.invocation_metadata():
            if key.startswith("x-octobus-") and not key.startswith("x-octobus-ext-"):
                continue
            metadata.setdefault(key, []).append(value if isinstance(value, str) else value.hex())
        # Same rule as the JS example: skip rewriting identical content.
        text = json.dumps(metadata, indent=2) + "\n"
        target = Path("metadata.json")
        if text != last_recorded[0] or not target.exists():
            target.write_text(text)
            last_recorded[0] = text
        first = lambda k: metadata.get(k, [None])[0]  # noqa: E731
        return response_type(
            result=request.left + request.right,
            service_id=os.environ.get("OCTOBUS_SERVICE_ID", ""),
            instance_id=os.environ.get("OCTOBUS_INSTANCE_ID", ""),
            label=config.get("label", ""),
            business_request_id=first("x-octobus-ext-business-request-id") or first("x-business-request-id") or "",
            secret_token=secret.get("apiToken", ""),
        )

    return add


def handler(request_type, response_type, add):
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Add": grpc.unary_unary_rpc_method_handler(
                add, request_deserializer=request_type.FromString, response_serializer=response_type.SerializeToString
            )
        },
    )


def serve_sync(args, generic):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    server.add_generic_rpc_handlers((generic,))
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    stop = lambda *_: server.stop(1)  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.wait_for_termination()


async def serve_aio(args, request_type, response_type, add):
    async def add_async(request, context):
        return add(request, context)

    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler(request_type, response_type, add_async),))
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    await server.start()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.ensure_future(server.stop(1)))
    await server.wait_for_termination()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--descriptor", required=True, type=Path)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--config-json", default="{}")
    parser.add_argument("--secret-json", default="{}")
    parser.add_argument("--workers", type=int, default=16, help="thread pool size (sync server)")
    parser.add_argument("--aio", action="store_true", help="use grpc.aio instead of the thread-pool server")
    args = parser.parse_args()
    request_type, response_type = load_types(args.descriptor)
    add = make_add(response_type, json.loads(args.config_json), json.loads(args.secret_json))
    if args.aio:
        asyncio.run(serve_aio(args, request_type, response_type, add))
    else:
        serve_sync(args, handler(request_type, response_type, add))


if __name__ == "__main__":
    main()
