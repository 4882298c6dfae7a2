"""An independent Connect (unary, JSON) endpoint for testing the SDK's
generated clients: no SDK code takes part in converting messages.

JSON ⇄ protobuf goes through the official `protobuf` package
(`json_format.Parse` — strict ProtoJSON, unknown fields rejected — and
`json_format.MessageToJson`), with message classes built at run time from
descriptor sets that protoc compiled. Each call is forwarded over grpcio to
the backend serving its service (`--route pkg.Svc=HOST:PORT`, e.g. a running
`--runtime serve` example), and the reply or status comes back as Connect
JSON: `{"code","message"}` errors with Connect's HTTP statuses.

Routes (the way OctoBus's Connect route is addressed, SPEC §8.4):
  POST /<pkg.Svc>/<Method>
  POST /capsets/<capset>/connect/<instance>/<pkg.Svc>/<Method>
  POST /__oracle/plain/<status>/…   answers <status> with a plain-text body
  GET  /__oracle/requests           what arrived so far, as JSON

`--grpc-echo` also starts a grpcio server that answers every unary method
whose request and response types are the same by echoing the request (for
generated gRPC clients). Every parsed request is recorded with its
text-format rendering (`text_format.MessageToString`), the decoded view to
assert on.

Prints `connect http://127.0.0.1:<port>` (and `grpc 127.0.0.1:<port>`) on
stdout when ready; exits when stdin closes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format

# Connect's code names and HTTP statuses, indexed by gRPC status code
# (https://connectrpc.com/docs/protocol/#error-codes).
CONNECT_CODES = [
    ("ok", 200),
    ("canceled", 499),
    ("unknown", 500),
    ("invalid_argument", 400),
    ("deadline_exceeded", 504),
    ("not_found", 404),
    ("already_exists", 409),
    ("permission_denied", 403),
    ("resource_exhausted", 429),
    ("failed_precondition", 400),
    ("aborted", 409),
    ("out_of_range", 400),
    ("unimplemented", 501),
    ("internal", 500),
    ("unavailable", 503),
    ("data_loss", 500),
    ("unauthenticated", 401),
]

ROUTE = re.compile(r"^(?:/capsets/[^/]+/connect/[^/]+)?/([^/]+)/([^/]+)$")
PLAIN = re.compile(r"^/__oracle/plain/(\d{3})/")


def load_pool(paths):
    """One pool from several descriptor sets; returns (pool, file names)."""
    pool = descriptor_pool.DescriptorPool()
    added = []
    for path in paths:
        with open(path, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
        for file in fds.file:  # --include_imports lists dependencies first
            if file.name not in added:
                pool.Add(file)
                added.append(file.name)
    return pool, added


class Oracle:
    def __init__(self, pool, routes):
        self.pool = pool
        self.channels = {service: grpc.insecure_channel(target) for service, target in routes.items()}
        self.records = []
        self.lock = threading.Lock()

    def method(self, service, name):
        try:
            return self.pool.FindServiceByName(service).methods_by_name.get(name)
        except KeyError:
            return None

    def record(self, entry):
        with self.lock:
            self.records.append(entry)


def connect_handler(oracle):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body, content_type="application/json"):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def fail(self, code, message):
            name, status = CONNECT_CODES[code]
            self.reply(status, json.dumps({"code": name, "message": message}))

        def do_GET(self):
            if self.path == "/__oracle/requests":
                with oracle.lock:
                    return self.reply(200, json.dumps(oracle.records))
            return self.reply(405, json.dumps({"code": "unimplemented", "message": "POST only"}))

        def do_POST(self):
            length = int(self.headers.get("content-length") or 0)
            text = self.rfile.read(length).decode("utf-8")
            headers = {k.lower(): v for k, v in self.headers.items()}
            entry = {"method": "POST", "url": self.path, "headers": headers, "body": text}
            oracle.record(entry)

            plain = PLAIN.match(self.path)
            if plain:
                return self.reply(int(plain.group(1)), "plain failure from the oracle", "text/plain")
            route = ROUTE.match(self.path)
            method = route and oracle.method(route.group(1), route.group(2))
            if not method:
                return self.fail(5, "unknown Connect route")
            if method.client_streaming or method.server_streaming:
                return self.fail(12, "method is not a unary service method")
            if not re.match(r"^application/json\b", headers.get("content-type", "")):
                return self.reply(415, json.dumps({"code": "internal", "message": "json only"}))

            request_class = message_factory.GetMessageClass(method.input_type)
            response_class = message_factory.GetMessageClass(method.output_type)
            try:
                request = json_format.Parse(text if text.strip() else "{}", request_class())
            except json_format.ParseError as error:
                return self.fail(3, str(error))
            entry["textproto"] = text_format.MessageToString(request)

            channel = oracle.channels.get(method.containing_service.full_name)
            if channel is None:
                return self.fail(14, f"no backend for {method.containing_service.full_name}")
            metadata = [(k, v) for k, v in headers.items() if k == "x-business-request-id" or k.startswith("x-octobus-ext-")]
            call = channel.unary_unary(
                f"/{method.containing_service.full_name}/{method.name}",
                request_serializer=request_class.SerializeToString,
                response_deserializer=response_class.FromString,
            )
            try:
                response = call(request, metadata=metadata, timeout=10)
            except grpc.RpcError as error:
                return self.fail(error.code().value[0], error.details() or "")
            return self.reply(200, json_format.MessageToJson(response, indent=None))

    return Handler


def echo_server(oracle, file_names):
    handlers = {}
    for file_name in file_names:
        file = oracle.pool.FindFileByName(file_name)
        for service in file.services_by_name.values():
            for method in service.methods:
                if method.client_streaming or method.server_streaming or method.input_type != method.output_type:
                    continue
                cls = message_factory.GetMessageClass(method.input_type)
                path = f"/{service.full_name}/{method.name}"

                def echo(request, context, path=path):
                    oracle.record({"grpc": path, "textproto": text_format.MessageToString(request)})
                    return request

                handlers[path] = grpc.unary_unary_rpc_method_handler(
                    echo, request_deserializer=cls.FromString, response_serializer=cls.SerializeToString
                )

    class Generic(grpc.GenericRpcHandler):
        def service(self, details):
            return handlers.get(details.method)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), handlers=[Generic()])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--descriptor", action="append", required=True, help="a FileDescriptorSet (protoc --include_imports -o)")
    parser.add_argument("--route", action="append", default=[], help="pkg.Svc=HOST:PORT: where calls to pkg.Svc go")
    parser.add_argument("--grpc-echo", action="store_true")
    args = parser.parse_args()

    pool, file_names = load_pool(args.descriptor)
    oracle = Oracle(pool, dict(item.split("=", 1) for item in args.route))

    http = ThreadingHTTPServer(("127.0.0.1", 0), connect_handler(oracle))
    threading.Thread(target=http.serve_forever, daemon=True).start()
    lines = [f"connect http://127.0.0.1:{http.server_address[1]}"]
    grpc_server = None
    if args.grpc_echo:
        grpc_server, port = echo_server(oracle, file_names)
        lines.append(f"grpc 127.0.0.1:{port}")
    print("\n".join(lines), flush=True)

    sys.stdin.read()  # until the parent closes stdin (or dies)
    http.shutdown()
    if grpc_server:
        grpc_server.stop(0)


if __name__ == "__main__":
    main()
