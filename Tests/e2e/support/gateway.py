"""Helpers for the gateway tests: a daemon with imported services, running instances and a
capset, and grpcio calls through the daemon's public port with routing metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from google.protobuf import json_format, message_factory

from .grpc_client import CHANNEL_OPTIONS, Descriptors
from .helpers import create_instance, imported, service_dir
from .processes import cli_json

PROBE = "probe.v1.ProbeService"
STREAMING = "streaming.v1.StreamingService"
CALCULATOR = "calculator.v1.CalculatorService"


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


def setup_gateway(daemon, pkg, capset: str = "dev", services=("probe", "streaming")) -> Gateway:
    """Imports the requested services (probe: the gateway test backend; streaming and
    calculator: examples; probe-od: the probe as an on-demand service), starts one
    instance of each (`<service>-1`), creates `capset` and binds them all."""
    gateway = Gateway(daemon=daemon, capset=capset)
    sources = {
        "probe": lambda: pkg.fixture("gateway-probe"),
        "probe-od": lambda: pkg.fixture("gateway-probe", manifest_edits={"runtime": {"mode": "on-demand"}}),
        "streaming": lambda: pkg.example("streaming-js"),
        "calculator": lambda: pkg.example("calculator-js"),
    }
    cli_json(daemon, "capset", "create", capset)
    for service in services:
        imported(daemon, service, sources[service]())
        gateway.descriptors[service] = Descriptors.from_file(service_dir(daemon, service) / "descriptor.protoset")
        instance = f"{service}-1"
        create_instance(daemon, instance, service, "--config-json", '{"label":"gw"}', "--secret-json", '{"apiToken":"s3cr3t-tok"}')
        gateway.instances[instance] = service
        cli_json(daemon, "capset", "add-instance", capset, instance)
    return gateway


def reply_json(message) -> dict:
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def metadata_of(reply) -> dict:
    return json.loads(reply.metadata_json)
