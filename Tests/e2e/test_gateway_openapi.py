"""The per-capset OpenAPI documents end to end (SPEC §8.6, issue 10): the public
`/capsets/{c}/openapi.json|.yaml`, the admin `/admin/v1/catalog/{c}/openapi.json|.yaml` and
`octobus catalog --openapi-json|--openapi-yaml` agree, validate as OpenAPI 3.1 with
openapi-spec-validator, list exactly the Connect endpoints of the capset's exposed unary
methods, and describe endpoints that answer when called as documented."""

from __future__ import annotations

import json
import re

import httpx
import pytest
import yaml
from google.protobuf import json_format, message_factory
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError  # noqa: F401

from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.gateway import CALCULATOR, PROBE, STREAMING, WIDE, shared_gateway
from support.helpers import admin
from support.processes import cli_json

pytestmark = pytest.mark.timeout(300)

CAPSET_TOKEN = "openapi-cap-8e2b61c4d9"
ADMIN_TOKEN = "openapi-admin-5f0a7d3c21"


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    """Capset `dev`: streaming-1, calculator-1, wide-1. `narrow`: two chosen methods behind a
    capset token. `empty`: no bindings. An admin token exists."""
    with shared_gateway(tmp_path_factory, "openapi", services=("streaming", "calculator", "wide")) as gateway:
        d = gateway.daemon
        cli_json(d, "capset", "create", "narrow")
        cli_json(d, "capset", "add-instance", "narrow", "wide-1", "--no-all-methods")
        cli_json(d, "capset", "select-method", "narrow", "wide-1", f"{WIDE}/Lookup")
        cli_json(d, "capset", "select-method", "narrow", "wide-1", f"{WIDE}/Count")  # streaming: not in the document
        cli_json(d, "capset", "add-instance", "narrow", "calculator-1", "--no-all-methods")
        cli_json(d, "capset", "select-method", "narrow", "calculator-1", f"{CALCULATOR}/Subtract")
        assert d.cli("capset", "add-token", "narrow", "t1", "--token", CAPSET_TOKEN).returncode == 0
        cli_json(d, "capset", "create", "empty")
        assert d.cli("admin-token", "add", "a1", "--token", ADMIN_TOKEN).returncode == 0
        yield gateway


def public(gw, capset, yaml_=False, token=None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(trust_env=False, timeout=60) as client:
        return client.get(gw.openapi_url(capset, yaml_), headers=headers)


def admin_get(gw, path, token=ADMIN_TOKEN) -> httpx.Response:
    with admin(gw.daemon) as client:
        return client.get(path, headers={"Authorization": f"Bearer {token}"} if token else {})


def cli(gw, *args):
    return gw.daemon.cli(*args, env={"OCTOBUS_ADMIN_TOKEN": ADMIN_TOKEN})


def unary_methods(gw, instances) -> list[tuple[str, str, object]]:
    """(instance, full method, descriptor) of every unary method of those instances."""
    out = []
    for instance in instances:
        service = gw.instances[instance]
        for file in gw.descriptors[service].fds.file:
            for svc in file.service:
                for method in svc.method:
                    if not (method.client_streaming or method.server_streaming):
                        full = f"{file.package}.{svc.name}/{method.name}"
                        out.append((instance, full, gw.method(instance, full)))
    return out


def operation_id(capset, service, instance, method, verb):
    return re.sub(r"[^A-Za-z0-9]", "_", f"{capset}_{service}_{instance}_{method}_{verb}")


def test_the_public_document_validates_and_lists_exactly_the_connect_endpoints(gw):
    reply = public(gw, "dev")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    document = reply.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "OctoBus Connect RPC Catalog: dev", "version": "dev"}
    expected = unary_methods(gw, ["streaming-1", "calculator-1", "wide-1"])
    assert set(document["paths"]) == {gw.connect_path(i, m) for i, m, _ in expected}
    assert len(document["paths"]) == len(expected) == 2 + 1 + 123  # calculator, streaming Echo, wide unary
    for instance, method, descriptor in expected:
        item = document["paths"][gw.connect_path(instance, method)]
        service = gw.instances[instance]
        no_side_effects = descriptor.GetOptions().idempotency_level == 1
        assert set(item) == ({"get", "post"} if no_side_effects else {"post"}), method
        post = item["post"]
        assert post["operationId"] == operation_id("dev", service, instance, method, "post")
        assert set(post["requestBody"]["content"]) == {"application/json", "application/proto"}
        assert set(post["responses"]) == {"200", "default"}
        header = next(p for p in post["parameters"] if p["name"] == "Connect-Protocol-Version")
        assert header["in"] == "header" and header["required"] is False
    # Comments become descriptions.
    add = document["paths"][gw.connect_path("calculator-1", f"{CALCULATOR}/Add")]["post"]
    assert add["description"] == "Add returns left + right."
    # Every operationId is unique; YAML reads back as the same document.
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    reply = public(gw, "dev", yaml_=True)
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(reply.text) == document


def test_admin_routes_and_the_cli_give_the_same_documents(gw):
    document = public(gw, "dev").json()
    reply = admin_get(gw, "/catalog/dev/openapi.json")
    assert reply.status_code == 200 and reply.json() == document
    assert reply.text == public(gw, "dev").text
    reply = admin_get(gw, "/catalog/dev/openapi.yaml")
    assert reply.status_code == 200 and reply.text == public(gw, "dev", yaml_=True).text
    assert admin_get(gw, "/catalog/dev/openapi.json", token=None).status_code == 401
    out = cli(gw, "catalog", "dev", "--openapi-json")
    assert out.returncode == 0 and json.loads(out.stdout) == document
    out = cli(gw, "catalog", "dev", "--openapi-yaml")
    assert out.returncode == 0 and yaml.safe_load(out.stdout) == document
    # The capset with a token: admin and CLI need no capset token; the narrow capset lists
    # only its selected unary methods.
    out = cli(gw, "catalog", "narrow", "--openapi-json")
    assert out.returncode == 0
    narrow = json.loads(out.stdout)
    validate(narrow)
    assert set(narrow["paths"]) == {gw.connect_path("wide-1", f"{WIDE}/Lookup", "narrow"),
                                    gw.connect_path("calculator-1", f"{CALCULATOR}/Subtract", "narrow")}
    assert "--openapi-json" in cli(gw, "catalog", "dev", "--openapi-json", "--grpc").stderr or \
        cli(gw, "catalog", "dev", "--openapi-json", "--grpc").returncode == 1
    assert cli(gw, "catalog", "nope", "--openapi-yaml").returncode == 1


def test_public_documents_need_the_capset_token(gw):
    reply = public(gw, "narrow")
    assert reply.status_code == 401 and reply.json() == {"error": "capset token is required"}
    assert public(gw, "narrow", token="wrong").status_code == 401
    reply = public(gw, "narrow", token=CAPSET_TOKEN)
    assert reply.status_code == 200
    assert reply.json() == json.loads(cli(gw, "catalog", "narrow", "--openapi-json").stdout)
    assert public(gw, "narrow", yaml_=True, token=CAPSET_TOKEN).status_code == 200
    # unknown capset: 404; a capset exposing nothing: an empty, valid document
    reply = public(gw, "nope")
    assert reply.status_code == 404 and reply.json() == {"error": "capset not found"}
    empty = public(gw, "empty").json()
    validate(empty)
    assert empty["paths"] == {} and empty["info"]["title"] == "OctoBus Connect RPC Catalog: empty"
    with httpx.Client(trust_env=False) as client:
        assert client.post(gw.openapi_url("dev"), json={}).status_code == 405


def resolve(document, schema):
    """Follows a `$ref` into `#/components/...`."""
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def test_the_documented_endpoints_answer_as_documented(gw):
    document = public(gw, "dev").json()
    base = gw.url
    with httpx.Client(trust_env=False, timeout=60) as client:
        # POST Add as the document says: JSON body of the request schema, 200 with the response schema.
        path = gw.connect_path("calculator-1", f"{CALCULATOR}/Add")
        post = document["paths"][path]["post"]
        request_schema = resolve(document, post["requestBody"]["content"]["application/json"]["schema"])
        assert set(request_schema["properties"]) == {"left", "right"}
        body = {"left": 19, "right": 23}
        reply = client.post(base + path, json=body, headers={"Connect-Protocol-Version": "1"})
        assert reply.status_code == 200 and reply.json()["result"] == 42
        response_schema = {**post["responses"]["200"]["content"]["application/json"]["schema"],
                           "components": document["components"]}
        Draft202012Validator(response_schema).validate(reply.json())
        # An error answers with the documented error schema.
        reply = client.post(base + path, json={"bogus": 1})
        assert reply.status_code == 400
        error_schema = {**post["responses"]["default"]["content"]["application/json"]["schema"],
                        "components": document["components"]}
        Draft202012Validator(error_schema).validate(reply.json())
        # The GET operation of a side-effect-free method, with the documented query parameters.
        path = gw.connect_path("wide-1", f"{WIDE}/Lookup")
        get = document["paths"][path]["get"]
        names = {p["name"] for p in get["parameters"] if p["in"] == "query"}
        assert {"connect", "encoding", "message"} <= names
        reply = client.get(base + path, params={"connect": "v1", "encoding": "json", "message": json.dumps({"text": "o"})})
        assert reply.status_code == 200 and reply.json()["text"] == "lookup:o"
        # Every documented POST path routes (an empty JSON request reaches the method).
        for path, item in document["paths"].items():
            reply = client.post(base + path, content=b"{}", headers={"content-type": "application/json"})
            assert reply.status_code == 200, (path, reply.text)
        # application/proto, as documented.
        path = gw.connect_path("streaming-1", f"{STREAMING}/Echo")
        assert "application/proto" in document["paths"][path]["post"]["requestBody"]["content"]
        method = gw.method("streaming-1", f"{STREAMING}/Echo")
        request = json_format.ParseDict({"text": "bin", "count": 2}, message_factory.GetMessageClass(method.input_type)())
        reply = client.post(base + path, content=request.SerializeToString(), headers={"content-type": "application/proto"})
        reply_message = message_factory.GetMessageClass(method.output_type).FromString(reply.content)
        assert reply.status_code == 200 and (reply_message.text, reply_message.index) == ("bin", 2)
