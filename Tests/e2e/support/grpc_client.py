"""gRPC calls with grpcio and messages built at run time from a
FileDescriptorSet (no generated code): compile the service's protos with
`protoc --include_imports -o` (as the daemon does) or load the daemon's own
`descriptor.protoset`, then call unary methods on `127.0.0.1:<port>`."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
SERVING = 1
# Proxies from the environment must never see loopback test traffic.
CHANNEL_OPTIONS = [("grpc.enable_http_proxy", 0)]


def compile_descriptor_set(package_dir: Path, service_root: str = ".") -> bytes:
    """protoc the protos of `<package>/<root>/service.json` like SPEC §3.3."""
    root = (Path(package_dir) / service_root).resolve()
    manifest = json.loads((root / "service.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "descriptor.protoset"
        cmd = ["protoc", "--include_imports", "--include_source_info", f"--descriptor_set_out={out}",
               *[f"-I{root / r}" for r in manifest["proto"]["roots"]],
               *[str(root / f) for f in manifest["proto"]["files"]]]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"protoc failed: {result.stderr}")
        return out.read_bytes()


class Descriptors:
    """Message classes and method paths from one FileDescriptorSet (own pool)."""

    def __init__(self, data: bytes):
        self.fds = descriptor_pb2.FileDescriptorSet.FromString(data)
        self.pool = descriptor_pool.DescriptorPool()
        for file in self.fds.file:
            self.pool.Add(file)

    @classmethod
    def from_file(cls, path: Path) -> "Descriptors":
        return cls(Path(path).read_bytes())

    @classmethod
    def from_package(cls, package_dir: Path, service_root: str = ".") -> "Descriptors":
        return cls(compile_descriptor_set(package_dir, service_root))

    def file_names(self) -> list[str]:
        return [f.name for f in self.fds.file]

    def message_class(self, full_name: str):
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))

    def method(self, full_method: str):
        """`pkg.Svc/Method` (a leading `/` is accepted) → MethodDescriptor."""
        service, _, name = full_method.lstrip("/").partition("/")
        return self.pool.FindServiceByName(service).methods_by_name[name]

    def call(self, addr: str, full_method: str, request: dict | None = None, metadata=(), timeout: float = 10.0):
        """Unary call; returns the response message (raises grpc.RpcError)."""
        method = self.method(full_method)
        req_cls = message_factory.GetMessageClass(method.input_type)
        resp_cls = message_factory.GetMessageClass(method.output_type)
        req = json_format.ParseDict(request or {}, req_cls())
        path = f"/{method.containing_service.full_name}/{method.name}"
        with grpc.insecure_channel(addr, options=CHANNEL_OPTIONS) as channel:
            rpc = channel.unary_unary(path, request_serializer=lambda m: m.SerializeToString(),
                                      response_deserializer=resp_cls.FromString)
            return rpc(req, metadata=list(metadata), timeout=timeout)


def to_dict(message) -> dict:
    """Proto field names, default values included."""
    return json_format.MessageToDict(message, preserving_proto_field_name=True,
                                      always_print_fields_with_no_presence=True)


def health_status(addr: str, service: str = "", timeout: float = 2.0) -> int:
    """grpc.health.v1.Health/Check; returns the numeric status (1 = SERVING)."""
    request = b"" if not service else b"\x0a" + bytes([len(service)]) + service.encode()
    with grpc.insecure_channel(addr, options=CHANNEL_OPTIONS) as channel:
        rpc = channel.unary_unary(HEALTH_CHECK, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        reply = rpc(request, timeout=timeout)
    # HealthCheckResponse{ServingStatus status = 1}: b"" (UNKNOWN) or b"\x08<n>".
    return reply[1] if len(reply) >= 2 and reply[0] == 0x08 else 0


def is_serving(addr: str, timeout: float = 2.0) -> bool:
    try:
        return health_status(addr, timeout=timeout) == SERVING
    except grpc.RpcError:
        return False
