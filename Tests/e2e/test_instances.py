"""Instances end to end (SPEC §1, §4, §5, §6 instance routes, §7 CLI): create →
running and healthy, the child's exact argv/env/cwd, secrets only through fd 3
(never on disk, never in logs), config/secret validation and updates from every
source, start/stop/restart/delete, on-demand instances, service delete refused
while in use, CLI redaction. gRPC calls go straight to the instance's
ListenAddr with grpcio.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.grpc_client import Descriptors, health_status, is_serving, to_dict
from support.helpers import (ID_REGEX, ON_DEMAND_CONTROL_ERROR, api_get, create_instance, error_text, grep_tree,
                             imported, instance_dir, list_of, mode, service_dir)
from support.processes import (cli_json, cwd, environ, instance_get, instance_processes, is_running, wait_gone,
                               wait_running)
from support.util import sha256_bytes, wait_until

pytestmark = pytest.mark.timeout(240)

ADD = "calculator.v1.CalculatorService/Add"
# The daemon's own database may hold the secret (SPEC §4: secrets live only in SQLite).
DB_FILES = ("octobus.db", "octobus.db-wal", "octobus.db-shm")


def import_calculator(d, pkg, service_id="calculator", example="calculator-js") -> dict:
    return imported(d, service_id, pkg.example(example))["service"]


def calculator(d, service_id="calculator") -> Descriptors:
    return Descriptors.from_file(service_dir(d, service_id) / "descriptor.protoset")


def add(d, inst: dict, metadata=(), service_id="calculator") -> dict:
    reply = calculator(d, service_id).call(inst["ListenAddr"], ADD, {"left": 20, "right": 22}, metadata=metadata)
    return to_dict(reply)


def only_process(d, instance_id: str):
    procs = instance_processes(instance_id, d.data_dir)
    assert len(procs) == 1, f"expected one process for {instance_id}, found {[(p.pid, p.argv) for p in procs]}"
    return procs[0]


def update(d, kind: str, instance_id: str, *flags, input=None):
    return d.cli("instance", f"update-{kind}", instance_id, *flags, input=input)


# -- create -----------------------------------------------------------------------------

def test_create_is_running_and_healthy_and_answers(octobus, pkg):
    import_calculator(octobus, pkg)
    config, secret = '{"label":"blue"}', '{"apiToken":"tok-123"}'
    inst = create_instance(octobus, "calc1", "calculator", "--config-json", config, "--secret-json", secret)
    assert inst["ID"] == "calc1" and inst["ServiceID"] == "calculator"
    assert inst["Name"] == "calc1"  # defaults to the id
    assert inst["Enabled"] is True and inst["Status"] == "running"
    assert isinstance(inst["PID"], int) and is_running(inst["PID"])
    host, port = inst["ListenAddr"].rsplit(":", 1)
    assert host == "127.0.0.1" and int(port) > 0
    assert inst["NodeEntry"] == "bin/calculator.js"
    # Our reading of "ConfigJSON (raw)": the stored JSON embedded as is (upstream json.RawMessage),
    # so it prints as an object, not as a string holding JSON.
    assert inst["ConfigJSON"] == {"label": "blue"}
    assert inst["ConfigSHA256"] == sha256_bytes(config.encode())
    assert inst["HasSecret"] is True
    # `running` only after the health check passed: serving right away
    assert health_status(inst["ListenAddr"]) == 1
    reply = add(octobus, inst, metadata=[("x-octobus-ext-business-request-id", "req-7")])
    assert reply == {"result": 42.0, "service_id": "calculator", "instance_id": "calc1", "label": "blue",
                     "business_request_id": "req-7", "secret_token": "tok-123"}
    # the raw API has a keyed digest of the secret (HMAC, not a guessable plain SHA-256);
    # the CLI redacts the key (it contains "secret")
    raw = api_get(octobus, "/instances/calc1").json()
    assert re.fullmatch(r"[0-9a-f]{64}", raw["SecretSHA256"])
    assert raw["SecretSHA256"] != sha256_bytes(secret.encode())
    assert inst["SecretSHA256"] == "******"
    assert sorted(k for k in raw if "secret" in k.lower()) == ["HasSecret", "SecretSHA256"]  # never the secret
    listed = cli_json(octobus, "instance", "list")["instances"]
    assert [i["ID"] for i in listed] == ["calc1"]
    assert only_process(octobus, "calc1").pid == inst["PID"]


def test_child_process_contract(octobus, pkg):
    svc = import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator", "--config-json", '{"label":"x"}')
    proc = only_process(octobus, "calc1")
    data = Path(octobus.data_dir).resolve()
    workdir = data / "instances" / "calc1"
    entry = data / "artifacts" / "services" / "calculator" / "runtime" / "bin" / "calculator.js"
    port = inst["ListenAddr"].rsplit(":", 1)[1]
    expected = ["--runtime", "serve", "--host", "127.0.0.1", "--port", port,
                "--config", str(workdir / "config.json"), "--secret-fd", "3", "--workdir", str(workdir),
                "--service", "calculator", "--instance", "calc1"]
    # argv = [node,] <entry> <expected…>: executed directly (shebang) or as `node <entry>` (SPEC §13.17)
    entry_index = next(i for i, arg in enumerate(proc.argv) if Path(arg).resolve() == entry)
    assert proc.argv[entry_index + 1:] == expected, proc.argv
    assert "--secret" not in proc.argv
    assert Path(cwd(proc.pid)).resolve() == workdir
    env = environ(proc.pid)
    assert env["OCTOBUS_SERVICE_ID"] == "calculator" and env["OCTOBUS_INSTANCE_ID"] == "calc1"
    assert Path(env["OCTOBUS_PACKAGE_DIR"]).resolve() == data / "artifacts" / "services" / "calculator" / "runtime"
    assert Path(env["OCTOBUS_DESCRIPTOR_PATH"]).resolve() == Path(svc["DescriptorPath"]).resolve()
    assert env["OCTOBUS_DESCRIPTOR_SHA256"] == svc["DescriptorSHA256"]
    # the daemon's environment is inherited (here: the npm registry we gave it)
    assert env.get("npm_config_registry", "").startswith("http://127.0.0.1:")
    # … but not the daemon's own malloc tuning (AllocatorTuning restores it on start)
    assert "GLIBC_TUNABLES" not in env and "OCTOBUS_ALLOCATOR_REEXEC" not in env


def test_instance_files_and_modes(octobus, pkg):
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator", "--config-json", '{"label":"files"}',
                    "--secret-json", '{"apiToken":"t"}')
    workdir = instance_dir(octobus, "calc1")
    assert mode(workdir) == 0o700
    assert mode(workdir / "config.json") == 0o600
    assert json.loads((workdir / "config.json").read_text()) == {"label": "files"}
    for log in ("stdout.log", "stderr.log"):
        assert mode(workdir / log) == 0o600
    assert list(Path(octobus.data_dir).rglob("secret.json")) == []
    assert mode(Path(octobus.data_dir) / "octobus.db") == 0o600


def test_create_from_files_and_stdin(octobus, pkg, tmp_path):
    import_calculator(octobus, pkg)
    config_file = tmp_path / "config.json"
    config_file.write_text('{"label":"from-file"}')
    secret_file = tmp_path / "secret.json"
    secret_file.write_text('{"apiToken":"file-token"}')
    a = create_instance(octobus, "calc-a", "calculator", "--config", str(config_file), "--secret", str(secret_file))
    assert add(octobus, a)["label"] == "from-file" and add(octobus, a)["secret_token"] == "file-token"
    b = create_instance(octobus, "calc-b", "calculator", "--config", "-", "--secret-json", '{"apiToken":"inline"}',
                        input='{"label":"from-stdin"}')
    assert add(octobus, b)["label"] == "from-stdin" and add(octobus, b)["secret_token"] == "inline"
    c = create_instance(octobus, "calc-c", "calculator", "--secret", "-", input='{"apiToken":"stdin-token"}')
    assert add(octobus, c)["secret_token"] == "stdin-token" and c["ConfigJSON"] == {}
    # `-` cannot feed both; path and inline flags are exclusive; inline must be JSON
    for flags in (["--config", "-", "--secret", "-"],
                  ["--config", str(config_file), "--config-json", "{}"],
                  ["--secret", str(secret_file), "--secret-json", "{}"],
                  ["--config-json", "{not json"]):
        result = octobus.cli("instance", "create", "calc-x", "--service", "calculator", *flags, input="{}")
        assert result.returncode == 1, flags
    assert octobus.cli("instance", "get", "calc-x").returncode == 1


def test_instance_without_secret(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator")
    assert inst["HasSecret"] is False and inst["ConfigJSON"] == {}
    assert add(octobus, inst)["secret_token"] == ""
    # the default secret is {} (SPEC §5.1 step 5): the same digest as an explicit {}
    create_instance(octobus, "calc2", "calculator", "--secret-json", "{}")
    digest = api_get(octobus, "/instances/calc1").json()["SecretSHA256"]
    assert digest == api_get(octobus, "/instances/calc2").json()["SecretSHA256"]
    assert digest != sha256_bytes(b"{}")


# -- secrets (SPEC §4, §5.1) ---------------------------------------------------------------

def test_secret_reaches_the_handler_via_fd3_and_never_touches_disk_or_logs(octobus, pkg, tmp_path):
    import_calculator(octobus, pkg)
    token = f"s3cr3t-{uuid.uuid4().hex}"
    inst = create_instance(octobus, "calc1", "calculator", "--secret-json", json.dumps({"apiToken": token}))
    assert add(octobus, inst)["secret_token"] == token
    assert only_process(octobus, "calc1").flag("--secret-fd") == "3"
    # rotate it (file source) and restart: the new one arrives through fd 3 as well
    new_token = f"r0tated-{uuid.uuid4().hex}"
    secret_file = tmp_path / "secret.json"
    secret_file.write_text(json.dumps({"apiToken": new_token}))
    result = update(octobus, "secret", "calc1", "--secret", str(secret_file), "--restart")
    assert result.returncode == 0, result.stderr
    inst = wait_running(octobus, "calc1", other_than_pid=inst["PID"])
    assert add(octobus, inst)["secret_token"] == new_token
    secret_file.unlink()
    outputs = [octobus.cli("instance", "get", "calc1").stdout, octobus.cli("instance", "list").stdout,
               api_get(octobus, "/instances/calc1").text, api_get(octobus, "/instances").text]
    for needle in (token, new_token):
        assert grep_tree(octobus.data_dir, needle, exclude_names=DB_FILES) == [], needle
        assert needle not in octobus.log()
        assert all(needle not in text for text in outputs)
    assert list(Path(octobus.data_dir).rglob("secret.json")) == []


# -- validation (SPEC §5.3) -----------------------------------------------------------------

def test_invalid_config_or_secret_on_create_changes_nothing(octobus, pkg):
    import_calculator(octobus, pkg)
    cases = [(["--config-json", '{"label":5}'], "config does not match schema"),
             # not an object: either SPEC §5.3 message fits
             (["--config-json", '"just a string"'], "config does not match schema|invalid config JSON"),
             (["--secret-json", '{"apiToken":7}'], "secret does not match schema")]
    for flags, message in cases:
        result = octobus.cli("instance", "create", "calc1", "--service", "calculator", *flags)
        assert result.returncode == 1, flags
        assert any(m in error_text(result) for m in message.split("|")), result.stderr
        assert octobus.cli("instance", "get", "calc1").returncode == 1
        assert not instance_dir(octobus, "calc1").exists()
        assert instance_processes("calc1", octobus.data_dir) == []
    assert list_of(cli_json(octobus, "instance", "list"), "instances") == []


def test_invalid_update_changes_nothing(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator", "--config-json", '{"label":"keep"}',
                           "--secret-json", '{"apiToken":"keep-token"}')
    before = api_get(octobus, "/instances/calc1").json()
    config_file = instance_dir(octobus, "calc1") / "config.json"
    config_text = config_file.read_text()
    for kind, flags, message in [("config", ["--config-json", '{"label":["x"]}'], "config does not match schema"),
                                 ("config", ["--config-json", '{"label":1}', "--restart"],
                                  "config does not match schema"),
                                 ("secret", ["--secret-json", '{"apiToken":false}'], "secret does not match schema")]:
        result = update(octobus, kind, "calc1", *flags)
        assert result.returncode == 1
        assert message in error_text(result), result.stderr
        assert api_get(octobus, "/instances/calc1").json() == before
        assert config_file.read_text() == config_text
        assert only_process(octobus, "calc1").pid == inst["PID"]
    reply = add(octobus, inst)
    assert (reply["label"], reply["secret_token"]) == ("keep", "keep-token")
    # a source is required
    assert update(octobus, "config", "calc1").returncode == 1
    assert update(octobus, "secret", "calc1").returncode == 1


# -- updates ---------------------------------------------------------------------------------

def test_update_config_from_every_source_and_restart(octobus, pkg, tmp_path):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator", "--config-json", '{"label":"v1"}')
    pid = inst["PID"]
    config_file = instance_dir(octobus, "calc1") / "config.json"

    config_path = tmp_path / "cfg.json"
    config_path.write_text('{"label":"v2"}')
    for flags, stdin, label in [(["--config", str(config_path)], None, "v2"),
                                (["--config", "-"], '{"label":"v3"}', "v3"),
                                (["--config-json", '{"label":"v4"}'], None, "v4")]:
        result = update(octobus, "config", "calc1", *flags, input=stdin)
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["ConfigJSON"] == {"label": label}
        assert out["ConfigSHA256"] == sha256_bytes(json.dumps({"label": label}, separators=(",", ":")).encode())
        # saved and written to config.json; without --restart the process keeps running as it was
        assert json.loads(config_file.read_text()) == {"label": label}
        assert out["PID"] == pid and is_running(pid)
        assert add(octobus, inst)["label"] == "v1"

    result = update(octobus, "config", "calc1", "--config-json", '{"label":"v5"}', "--restart")
    assert result.returncode == 0, result.stderr
    inst = wait_running(octobus, "calc1", other_than_pid=pid)
    wait_gone(pid)
    assert add(octobus, inst)["label"] == "v5"
    assert only_process(octobus, "calc1").pid == inst["PID"]


def test_update_secret_from_every_source_and_restart(octobus, pkg, tmp_path):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator", "--secret-json", '{"apiToken":"t1"}')
    pid = inst["PID"]
    hashes = {api_get(octobus, "/instances/calc1").json()["SecretSHA256"]}
    secret_path = tmp_path / "sec.json"
    secret_path.write_text('{"apiToken":"t2"}')
    for flags, stdin in [(["--secret", str(secret_path)], None),
                         (["--secret", "-"], '{"apiToken":"t3"}'),
                         (["--secret-json", '{"apiToken":"t4"}'], None)]:
        result = update(octobus, "secret", "calc1", *flags, input=stdin)
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["HasSecret"] is True and out["PID"] == pid
        hashes.add(api_get(octobus, "/instances/calc1").json()["SecretSHA256"])
        assert add(octobus, inst)["secret_token"] == "t1"  # not restarted
    assert len(hashes) == 4
    result = update(octobus, "secret", "calc1", "--secret-json", '{"apiToken":"t5"}', "--restart")
    assert result.returncode == 0, result.stderr
    inst = wait_running(octobus, "calc1", other_than_pid=pid)
    assert add(octobus, inst)["secret_token"] == "t5"
    # clearing the secret
    result = update(octobus, "secret", "calc1", "--secret-json", "{}", "--restart")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["HasSecret"] is False


def test_update_name(octobus, pkg):
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator", "--name", "First")
    assert instance_get(octobus, "calc1")["Name"] == "First"
    assert cli_json(octobus, "instance", "update", "calc1", "--name", "Second")["Name"] == "Second"
    assert octobus.cli("instance", "update", "calc1", "--name", "").returncode == 1
    assert instance_get(octobus, "calc1")["Name"] == "Second"


# -- lifecycle --------------------------------------------------------------------------------

def test_no_start_then_start_stop_restart(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator", "--no-start", "--config-json", '{"label":"ns"}')
    assert inst["Enabled"] is False and inst["Status"] == "stopped" and "PID" not in inst
    assert json.loads((instance_dir(octobus, "calc1") / "config.json").read_text()) == {"label": "ns"}
    assert instance_processes("calc1", octobus.data_dir) == []

    started = cli_json(octobus, "instance", "start", "calc1")
    assert started["Status"] == "running" and started["Enabled"] is True
    assert is_serving(started["ListenAddr"])
    assert only_process(octobus, "calc1").pid == started["PID"]

    restarted = cli_json(octobus, "instance", "restart", "calc1")
    assert restarted["Status"] == "running" and restarted["PID"] != started["PID"]
    assert not is_running(started["PID"])
    assert only_process(octobus, "calc1").pid == restarted["PID"]
    assert add(octobus, restarted)["label"] == "ns"

    stopped = cli_json(octobus, "instance", "stop", "calc1")
    assert stopped["Enabled"] is False and stopped["Status"] == "stopped" and "PID" not in stopped
    assert not is_running(restarted["PID"])
    assert instance_processes("calc1", octobus.data_dir) == []


def test_stop_leaves_no_process(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator")
    stopped = cli_json(octobus, "instance", "stop", "calc1")
    assert stopped["Status"] == "stopped" and "PID" not in stopped
    # stop waits for the exit (SIGINT, ≤2 s, SIGKILL): gone when the command returns
    assert not is_running(inst["PID"])
    assert instance_processes("calc1", octobus.data_dir) == []
    assert not is_serving(inst["ListenAddr"], timeout=0.5)
    # stopping again is harmless
    assert cli_json(octobus, "instance", "stop", "calc1")["Status"] == "stopped"


def test_restart_of_a_stopped_instance_starts_it(octobus, pkg):
    # SPEC §13.7 lists "restart of a stopped instance doesn't start it" as an upstream quirk;
    # OctoBus does the sturdier thing: restart means "run it now", enabled and healthy.
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator", "--no-start")
    out = cli_json(octobus, "instance", "restart", "calc1")
    assert out["Status"] == "running" and out["Enabled"] is True and out["PID"] > 0
    assert len(instance_processes("calc1", octobus.data_dir)) == 1


def test_delete_stops_the_process_and_removes_the_directory(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator")
    assert cli_json(octobus, "instance", "delete", "calc1") == {"deleted": True, "instance_id": "calc1"}
    wait_gone(inst["PID"], timeout=5)
    assert instance_processes("calc1", octobus.data_dir) == []
    assert octobus.cli("instance", "get", "calc1").returncode == 1
    # Unlike upstream (SPEC §4, §13.16), a delete removes the instance's files too.
    assert not instance_dir(octobus, "calc1").exists()


def test_service_delete_refused_while_instances_use_it(octobus, pkg):
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator", "--no-start")
    result = octobus.cli("service", "delete", "calculator")
    assert result.returncode == 1
    assert 'service "calculator" is used by instance "calc1"' in error_text(result)
    assert cli_json(octobus, "service", "get", "calculator")["ID"] == "calculator"
    cli_json(octobus, "instance", "delete", "calc1")
    assert cli_json(octobus, "service", "delete", "calculator") == {"deleted": True, "service_id": "calculator"}
    assert octobus.cli("service", "get", "calculator").returncode == 1
    assert not service_dir(octobus, "calculator").exists()  # its files go with it (docs/behaviour.md)
    assert octobus.cli("service", "delete", "calculator").returncode == 1  # 404 now


def test_instance_create_errors(octobus, pkg):
    import_calculator(octobus, pkg)
    result = octobus.cli("instance", "create", "9calc", "--service", "calculator")
    assert result.returncode == 1
    assert f'invalid instance id "9calc": must match {ID_REGEX}' in error_text(result)
    assert octobus.cli("instance", "create", "calc1", "--service", "no-such-service").returncode == 1
    assert octobus.cli("instance", "create", "calc1").returncode == 1  # --service missing
    create_instance(octobus, "calc1", "calculator", "--no-start")
    assert octobus.cli("instance", "create", "calc1", "--service", "calculator", "--no-start").returncode == 1
    assert [i["ID"] for i in cli_json(octobus, "instance", "list")["instances"]] == ["calc1"]
    for action in ("start", "stop", "restart", "get", "delete"):
        assert octobus.cli("instance", action, "nope").returncode == 1, action


# -- on-demand (SPEC §1) ---------------------------------------------------------------------

def test_on_demand_instance(octobus, pkg):
    svc = import_calculator(octobus, pkg, "calc-od", "calculator-on-demand-js")
    assert svc["RuntimeMode"] == "on-demand"
    inst = create_instance(octobus, "od1", "calc-od", "--config-json", '{"label":"od"}')
    assert inst["Status"] == "running" and inst["Enabled"] is True
    assert "PID" not in inst and not inst.get("ListenAddr")
    assert instance_processes("od1", octobus.data_dir) == []
    for action in ("start", "stop", "restart"):
        result = octobus.cli("instance", action, "od1")
        assert result.returncode == 1, action
        assert ON_DEMAND_CONTROL_ERROR in error_text(result) and "400" in error_text(result), result.stderr
    # updates with restart are saved first, then answered with the same 400 (SPEC §1, §13.12)
    result = octobus.cli("instance", "update-config", "od1", "--config-json", '{"label":"saved"}', "--restart")
    assert result.returncode == 1 and ON_DEMAND_CONTROL_ERROR in error_text(result)
    assert instance_get(octobus, "od1")["ConfigJSON"] == {"label": "saved"}
    result = octobus.cli("instance", "update-secret", "od1", "--secret-json", '{"apiToken":"x"}', "--restart")
    assert result.returncode == 1 and ON_DEMAND_CONTROL_ERROR in error_text(result)
    assert instance_get(octobus, "od1")["HasSecret"] is True
    # without --restart an update is fine
    updated = cli_json(octobus, "instance", "update-config", "od1", "--config-json", '{"label":"ok"}')
    assert updated["Status"] == "running"
    # --no-start is ignored: on-demand instances are always enabled and running
    inst2 = create_instance(octobus, "od2", "calc-od", "--no-start")
    assert inst2["Status"] == "running" and inst2["Enabled"] is True


def test_instances_of_recursively_imported_services(octobus, pkg):
    imported(octobus, None, pkg.fixture("two-services"), recursive=True)
    alpha = create_instance(octobus, "alpha1", "alpha", "--config-json", '{"label":"A"}')
    assert alpha["NodeEntry"] == "bin/alpha.js" and alpha["Status"] == "running"
    desc = Descriptors.from_file(service_dir(octobus, "alpha") / "descriptor.protoset")
    reply = to_dict(desc.call(alpha["ListenAddr"], "alpha.v1.AlphaService/Greet", {"name": "bob"}))
    assert reply == {"text": "alpha: hello bob", "service_id": "alpha", "instance_id": "alpha1", "label": "A"}
    # alpha's schema has additionalProperties: false
    result = octobus.cli("instance", "create", "alpha2", "--service", "alpha", "--config-json", '{"other":1}')
    assert result.returncode == 1 and "config does not match schema" in error_text(result)
    beta = create_instance(octobus, "beta1", "beta")
    assert beta["Status"] == "running" and "PID" not in beta
    env = environ(only_process(octobus, "alpha1").pid)
    assert Path(env["OCTOBUS_PACKAGE_DIR"]).resolve() == (
        service_dir(octobus, "alpha") / "runtime" / "services" / "alpha").resolve()


# -- CLI redaction (SPEC §7) -------------------------------------------------------------------

def test_cli_redacts_sensitive_keys(octobus, pkg):
    import_calculator(octobus, pkg)
    config = {"label": "visible", "dbPassword": "hunter2-e2e", "apiKey": "k-e2e-1",
              "nested": {"authToken": "t-e2e-2", "plain": "p"}, "list": [{"clientSecret": "c-e2e-3"}]}
    result = octobus.cli("instance", "create", "calc1", "--service", "calculator", "--no-start",
                         "--config-json", json.dumps(config), "--secret-json", '{"apiToken":"s"}')
    assert result.returncode == 0, result.stderr
    for out in (json.loads(result.stdout), instance_get(octobus, "calc1"),
                cli_json(octobus, "instance", "list")["instances"][0]):
        shown = out["ConfigJSON"]
        assert shown["label"] == "visible" and shown["nested"]["plain"] == "p"
        assert shown["dbPassword"] == "******" and shown["apiKey"] == "******"
        assert shown["nested"]["authToken"] == "******" and shown["list"][0]["clientSecret"] == "******"
        assert out["SecretSHA256"] == "******"
        assert out["HasSecret"] is True  # exempt
    for needle in ("hunter2-e2e", "k-e2e-1", "t-e2e-2", "c-e2e-3"):
        assert needle not in result.stdout
    # the daemon returns the config as stored; only the CLI output is redacted
    assert api_get(octobus, "/instances/calc1").json()["ConfigJSON"]["dbPassword"] == "hunter2-e2e"
    # service output: SecretSchemaPath is exempt, a key containing "key" is not (none in a service record)
    assert cli_json(octobus, "service", "get", "calculator")["SecretSchemaPath"].endswith("secret.schema.json")


def test_config_is_rewritten_on_every_start(octobus, pkg):
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator", "--no-start", "--config-json", '{"label":"orig"}')
    config_file = instance_dir(octobus, "calc1") / "config.json"
    config_file.write_text('{"label":"tampered"}')
    inst = cli_json(octobus, "instance", "start", "calc1")
    assert json.loads(config_file.read_text()) == {"label": "orig"}
    assert mode(config_file) == 0o600
    assert add(octobus, inst)["label"] == "orig"
    wait_until(lambda: is_serving(inst["ListenAddr"]), timeout=5)
