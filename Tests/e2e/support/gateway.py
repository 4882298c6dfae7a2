"""Helpers for the gateway tests: a daemon with imported services, running instances and a
capset, grpcio calls through the daemon's public port with routing metadata, and the URLs
of the HTTP protocols (Connect, MCP, OpenAPI) on that port."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from google.protobuf import json_format, message_factory

from octobus_e2e import Daemon

from .fixtures import PackageCopies, _world
from .grpc_client import CHANNEL_OPTIONS, Descriptors
from .helpers import create_instance, imported, service_dir
from .processes import cli_json, kill_processes_mentioning, wait_running

PROBE = "probe.v1.ProbeService"
STREAMING = "streaming.v1.StreamingService"
CALCULATOR = "calculator.v1.CalculatorService"
WIDE = "wide.v1.WideService"

# Services `setup_gateway` imports in on-demand mode (one process per call, none between calls).
ON_DEMAND_SERVICES = frozenset({"probe-od"})


@dataclass
class Gateway:
    """A daemon set up for gateway calls; `capset` binds every instance in `instances`."""

    daemon: object
    capset: str
    descriptors: dict = field(default_factory=dict)  # service id -> Descriptors
    instances: dict = field(default_factory=dict)  # instance id -> service id

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.daemon.port}"

    def channel(self, **options) -> grpc.Channel:
        opts = list(CHANNEL_OPTIONS) + [(k, v) for k, v in options.items()]
        return grpc.insecure_channel(self.target, options=opts)

    @property
    def url(self) -> str:
        return self.daemon.url

    def connect_path(self, instance: str, method: str, capset: str | None = None) -> str:
        """`/capsets/{c}/connect/{instance}/{pkg.Svc}/{Method}` (SPEC §8.4)."""
        return f"/capsets/{capset or self.capset}/connect/{instance}/{method}"

    def connect_url(self, instance: str, method: str, capset: str | None = None) -> str:
        return self.url + self.connect_path(instance, method, capset)

    def mcp_url(self, capset: str | None = None) -> str:
        return f"{self.url}/capsets/{capset or self.capset}/mcp"

    def openapi_url(self, capset: str | None = None, yaml: bool = False) -> str:
        return f"{self.url}/capsets/{capset or self.capset}/openapi.{'yaml' if yaml else 'json'}"

    def method(self, instance: str, method: str):
        """The MethodDescriptor of `pkg.Svc/Method` in the instance's service."""
        return self.descriptors[self.instances[instance]].method(method)

    def metadata(self, instance: str, capset: str | None = None, extra=()) -> list:
        return [("x-octobus-capset", capset or self.capset), ("x-octobus-instance", instance), *extra]

    def classes(self, instance: str, method: str):
        descriptors = self.descriptors[self.instances[instance]]
        descriptor = descriptors.method(method)
        return (message_factory.GetMessageClass(descriptor.input_type),
                message_factory.GetMessageClass(descriptor.output_type))

    def stub(self, channel: grpc.Channel, instance: str, method: str, kind: str = "unary_unary"):
        request_class, response_class = self.classes(instance, method)
        factory = getattr(channel, kind)
        return factory("/" + method, request_serializer=lambda m: m.SerializeToString(),
                       response_deserializer=response_class.FromString), request_class

    def unary(self, instance: str, method: str, request: dict | None = None, metadata=(), timeout: float = 20.0,
              capset: str | None = None, with_call: bool = False):
        with self.channel() as channel:
            rpc, request_class = self.stub(channel, instance, method)
            message = json_format.ParseDict(request or {}, request_class())
            md = self.metadata(instance, capset, metadata)
            if with_call:
                return rpc.with_call(message, metadata=md, timeout=timeout)
            return rpc(message, metadata=md, timeout=timeout)


def setup_gateway(daemon, pkg, capset: str = "dev", services=("probe", "streaming"), extra_instances=()) -> Gateway:
    """Imports the requested services (probe: the gateway test backend; wide: the Connect,
    MCP and OpenAPI backend; streaming and calculator: examples; probe-od: the probe as an
    on-demand service), starts one instance of each (`<service>-1`) plus `extra_instances`
    (`(instance, service)` pairs), creates `capset` and binds them all."""
    gateway = Gateway(daemon=daemon, capset=capset)
    sources = {
        "probe": lambda: pkg.fixture("gateway-probe"),
        "probe-od": lambda: pkg.fixture("gateway-probe", manifest_edits={"runtime": {"mode": "on-demand"}}),
        "wide": lambda: pkg.fixture("gateway-wide"),
        "streaming": lambda: pkg.example("streaming-js"),
        "calculator": lambda: pkg.example("calculator-js"),
    }
    cli_json(daemon, "capset", "create", capset)
    instances = [(f"{service}-1", service) for service in services] + list(extra_instances)
    for service in services:
        imported(daemon, service, sources[service]())
        gateway.descriptors[service] = Descriptors.from_file(service_dir(daemon, service) / "descriptor.protoset")
    for instance, service in instances:
        create_instance(daemon, instance, service, "--config-json", '{"label":"gw"}', "--secret-json", '{"apiToken":"s3cr3t-tok"}')
        gateway.instances[instance] = service
        cli_json(daemon, "capset", "add-instance", capset, instance)
    return gateway


@contextmanager
def shared_gateway(tmp_path_factory, name: str, **setup):
    """A daemon and `setup_gateway(**setup)` for a whole test module, every long-running
    instance running and healthy; stopped (exit code 0 asserted) and cleaned up after the module."""
    root = tmp_path_factory.mktemp(name)
    env = _world(tmp_path_factory).daemon_env(root / "npm-cache")
    daemon = Daemon(root / "data", root / "daemon.log", extra_env=env)
    try:
        gateway = setup_gateway(daemon, PackageCopies(root / "src"), **setup)
        for instance, service in gateway.instances.items():
            if service not in ON_DEMAND_SERVICES:  # an on-demand instance has no process to wait for
                wait_running(daemon, instance)
        yield gateway
    finally:
        code = daemon.stop()
        kill_processes_mentioning(root)
    assert code == 0, daemon.log()[-4000:]


def reply_json(message) -> dict:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def metadata_of(reply) -> dict:
    return json.loads(reply.metadata_json)
