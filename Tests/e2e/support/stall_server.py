"""A gRPC server (Python grpcio, asyncio) for `octobus bench --target` tests: it serves
calculator.v1.CalculatorService/Add from raw bytes and, once, stalls the whole server.

The stall blocks the event loop itself (a synchronous sleep inside a handler), so every
request that arrives meanwhile waits, as in a GC pause or a stop-the-world hiccup. That is
the case coordinated omission hides: a closed-loop client simply stops sending while the
server is stuck, while an open-loop client keeps its schedule and sees the wait.

Run: python stall_server.py PORT_FILE STALL_AFTER STALL_SECONDS
(STALL_AFTER = number of calls answered before the stall; 0 = never stall)."""

import asyncio
import struct
import sys
import time

import grpc

ADD = "/calculator.v1.CalculatorService/Add"


def add_reply(request: bytes) -> bytes:
    """Decodes {double left = 1; double right = 2} by hand and answers {double result = 1}."""
    values = {0x09: 0.0, 0x11: 0.0}
    index = 0
    while index + 9 <= len(request):
        tag = request[index]
        if tag in values:
            values[tag] = struct.unpack("<d", request[index + 1:index + 9])[0]
        index += 9
    return b"\x09" + struct.pack("<d", values[0x09] + values[0x11])


async def main(port_file: str, stall_after: int, stall_seconds: float):
    calls = 0

    async def add(request: bytes, context):
        nonlocal calls
        calls += 1
        if calls == stall_after:
            time.sleep(stall_seconds)  # blocks the loop: the whole server stalls
        return add_reply(request)

    handler = grpc.method_handlers_generic_handler("calculator.v1.CalculatorService", {
        "Add": grpc.unary_unary_rpc_method_handler(add),
    })
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    import os
    os.replace(port_file + ".tmp", port_file)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
