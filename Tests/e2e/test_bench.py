"""`octobus bench` end to end: the real binary loads the calculator and streaming examples
and the native benchmark backend through the gateway (gRPC, Connect, MCP), directly, and
side by side (--compare); closed and open loop; JSON reports checked for consistency; the
coordinated-omission case against a server that stalls once; errors before any load; the
HTML report rendered by headless Chromium."""

from __future__ import annotations

import json
import math
import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from octobus_e2e import BIN, REPO, Daemon
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.fixtures import PackageCopies, _world
from support.helpers import create_instance, imported
from support.processes import cli_json, wait_running

pytestmark = pytest.mark.timeout(600)

BENCH_BIN = os.environ.get("OCTOBUS_BENCH_BIN", str(REPO / ".build" / "release" / "OctobusBench"))
ADD = "calculator.v1.CalculatorService/Add"
EXPAND = "streaming.v1.StreamingService/Expand"
COUNT = "bench.v1.Counter/Count"
ECHO = "probe.v1.ProbeService/Echo"
CAPSET_TOKEN = "bench-cap-4f1d9a7c2e"
PERCENTILES = ["p50", "p90", "p99", "p99.9", "max"]


@pytest.fixture(scope="module")
def bench_daemon(tmp_path_factory):
    """One daemon for the module: capset `bench` binds calculator-1 (calculator example),
    streaming-1 (streaming example), native-1 (the native backend, OctobusBench) and probe-1
    (the gateway test backend: fails or sleeps on request)."""
    if not Path(BENCH_BIN).exists():
        pytest.fail(f"{BENCH_BIN} is missing: build it with `swift build -c release --product OctobusBench`")
    root = tmp_path_factory.mktemp("bench")
    world = _world(tmp_path_factory)
    env = world.daemon_env(root / "npm-cache")
    env["OCTOBUS_BENCH_BACKEND"] = BENCH_BIN
    daemon = Daemon(root / "data", root / "daemon.log", extra_env=env)
    try:
        pkg = PackageCopies(root / "src")
        subprocess.run([BENCH_BIN, "bench-package", str(root / "native")], check=True)
        cli_json(daemon, "capset", "create", "bench")
        for service, source in (("calculator", pkg.example("calculator-js")), ("streaming", pkg.example("streaming-js")),
                                ("native", root / "native"), ("probe", pkg.fixture("gateway-probe"))):
            imported(daemon, service, source)
            create_instance(daemon, f"{service}-1", service, "--config-json", '{"label":"b"}', "--secret-json", '{"apiToken":"t"}')
            wait_running(daemon, f"{service}-1")
            cli_json(daemon, "capset", "add-instance", "bench", f"{service}-1")
        yield daemon
    finally:
        daemon.stop()


def bench(daemon, *args, timeout=300, env=None):
    full_env = dict(os.environ)
    full_env.pop("OCTOBUS_CAPSET_TOKEN", None)
    full_env.update(env or {})
    return subprocess.run([BIN, "--addr", daemon.addr, "bench", *args] if daemon else [BIN, "bench", *args],
                          capture_output=True, text=True, timeout=timeout, env=full_env)


def bench_json(daemon, *args, **kwargs) -> dict:
    result = bench(daemon, *args, "--json", **kwargs)
    assert result.returncode == 0, f"octobus bench {' '.join(args)} failed:\n{result.stderr}\n{result.stdout}"
    assert result.stderr == "", "progress must stay quiet when stdout is not a terminal"
    return json.loads(result.stdout)


def assert_consistent(report: dict, success: str = "OK"):
    """Counts add up, percentiles are ordered, the histogram and timeline hold every request."""
    requests = report["requests"]
    assert requests > 0
    assert sum(report["statuses"].values()) == requests
    assert report["successes"] + report["errors"] == requests
    assert report["successes"] == report["statuses"].get(success, 0)
    latency = report["latency_ms"]
    values = [latency[p] for p in PERCENTILES]
    assert values == sorted(values), latency
    assert latency["min"] <= latency["p50"] and latency["min"] > 0
    assert sum(h["count"] for h in report["histogram"]) == requests
    assert sum(p["requests"] for p in report["timeline"]["points"]) == requests
    assert sum(p["errors"] for p in report["timeline"]["points"]) == report["errors"]
    assert math.isclose(report["requests_per_second"], requests / report["elapsed_seconds"], rel_tol=1e-6)
    percentiles = [d["percentile"] for d in report["distribution"]]
    assert percentiles == sorted(percentiles) and percentiles[-1] == 100.0


def slow_count(report: dict, threshold_ms: float) -> int:
    return sum(h["count"] for h in report["histogram"] if h["latency_ms"] >= threshold_ms)


# -- gRPC through the gateway ---------------------------------------------------------

def test_closed_loop_grpc_through_the_gateway(bench_daemon):
    report = bench_json(bench_daemon, "bench", "calculator-1", ADD, "--data-json", '{"left":20,"right":22}',
                        "-c", "4", "-m", "8", "-n", "3000", "--warmup", "300ms")
    assert report["requests"] == 3000 and report["errors"] == 0
    assert report["statuses"] == {"OK": 3000}
    assert report["run"]["mode"] == "closed" and report["run"]["route"] == "gateway"
    assert report["bytes"]["sent"] == 3000 * (5 + 18)  # framed {left, right}: two doubles
    assert report["bytes"]["received"] > 0
    assert_consistent(report)


def test_open_loop_holds_the_requested_rate(bench_daemon):
    report = bench_json(bench_daemon, "bench", "native-1", ADD, "--data-json", '{"left":1,"right":2}',
                        "--rate", "2000/s", "-d", "3s", "-c", "4")
    assert report["run"]["mode"] == "open" and report["run"]["rate"] == 2000
    assert report["errors"] == 0
    # The server keeps up, so arrivals are sent on schedule: 6000 of them, at 2000/s.
    assert report["requests"] == pytest.approx(6000, rel=0.01)
    assert report["requests_per_second"] == pytest.approx(2000, rel=0.05)
    points = [p for p in report["timeline"]["points"][1:-1]]
    assert points and all(p["requests_per_second"] == pytest.approx(2000, rel=0.25) for p in points)
    assert report["service_time_ms"]["p50"] <= report["latency_ms"]["p50"] + 0.001
    assert_consistent(report)


def test_open_loop_with_a_count(bench_daemon):
    report = bench_json(bench_daemon, "bench", "native-1", ADD, "--rate", "1000", "-n", "1500")
    assert report["requests"] == 1500 and report["errors"] == 0
    assert report["requests_per_second"] == pytest.approx(1000, rel=0.05)
    assert_consistent(report)


def test_direct_calls_the_instance_address(bench_daemon):
    instance = cli_json(bench_daemon, "instance", "get", "native-1")
    report = bench_json(bench_daemon, "bench", "native-1", ADD, "--direct", "-c", "2", "-m", "4", "-n", "2000")
    assert report["run"]["route"] == "direct"
    assert report["run"]["target"] == "http://" + instance["ListenAddr"]
    assert report["statuses"] == {"OK": 2000}
    assert_consistent(report)


def test_compare_runs_gateway_then_direct(bench_daemon):
    report = bench_json(bench_daemon, "bench", "native-1", ADD, "--compare", "-c", "2", "-m", "8", "-n", "4000")
    gateway, direct, ratios = report["gateway"], report["direct"], report["ratios"]
    assert report["ratio_of"] == "gateway / direct"
    for run in (gateway, direct):
        assert run["requests"] == 4000 and run["errors"] == 0
        assert_consistent(run)
    assert ratios["requests_per_second"] == pytest.approx(gateway["requests_per_second"] / direct["requests_per_second"])
    for p in PERCENTILES:
        assert ratios[p] == pytest.approx(gateway["latency_ms"][p] / direct["latency_ms"][p])
    text = bench(bench_daemon, "bench", "native-1", ADD, "--compare", "-n", "500")
    assert text.returncode == 0, text.stderr
    assert "── gateway ──" in text.stdout and "── direct ──" in text.stdout and "── gateway / direct ──" in text.stdout


def test_server_streaming_reports_messages_and_first_message(bench_daemon):
    report = bench_json(bench_daemon, "bench", "streaming-1", EXPAND, "--data-json", '{"text":"x","count":5}',
                        "-c", "2", "-m", "2", "-n", "200")
    assert report["statuses"] == {"OK": 200}
    streaming = report["streaming"]
    assert streaming["messages"] == 5 * 200
    first = streaming["first_message_ms"]
    assert first["p50"] <= report["latency_ms"]["p50"] and first["max"] <= report["latency_ms"]["max"] + 0.001
    assert_consistent(report)
    native = bench_json(bench_daemon, "bench", "native-1", COUNT, "--data-json", '{"count":1000,"size":64}', "-c", "1", "-m", "4", "-n", "40")
    assert native["streaming"]["messages"] == 40 * 1000
    assert native["streaming"]["messages_per_second"] > native["requests_per_second"]


# -- Connect and MCP ------------------------------------------------------------------

def test_connect_unary(bench_daemon):
    report = bench_json(bench_daemon, "bench", "calculator-1", ADD, "--protocol", "connect", "--data-json", '{"left":2,"right":3}',
                        "-c", "2", "-m", "4", "-n", "1000")
    assert report["statuses"] == {"200": 1000}, report["statuses"]
    assert_consistent(report, success="200")
    proto = bench_json(bench_daemon, "bench", "calculator-1", ADD, "--protocol", "connect", "--connect-codec", "proto", "-n", "300")
    assert proto["statuses"] == {"200": 300}


def test_mcp_tool_call(bench_daemon):
    tools = cli_json(bench_daemon, "catalog", "bench", "--mcp")["mcp"]
    tool = next(t["tool_name"] for t in tools if t["method_full_name"] == ADD and t["instance_id"] == "calculator-1")
    report = bench_json(bench_daemon, "bench", "calculator-1", tool, "--protocol", "mcp", "--data-json", '{"left":2,"right":3}',
                        "-c", "2", "-m", "4", "-n", "500")
    assert report["statuses"] == {"200": 500}, report["statuses"]
    assert_consistent(report, success="200")


def mcp_tool(daemon, instance: str, method: str, capset: str = "bench") -> str:
    tools = cli_json(daemon, "catalog", capset, "--mcp")["mcp"]
    return next(t["tool_name"] for t in tools if t["method_full_name"] == method and t["instance_id"] == instance)


def test_failures_are_counted_by_status_in_every_protocol(bench_daemon):
    data = '{"text":"x","fail_code":7,"fail_message":"no"}'
    grpc = bench_json(bench_daemon, "bench", "probe-1", ECHO, "--data-json", data, "-c", "1", "-m", "4", "-n", "60")
    assert grpc["statuses"] == {"PERMISSION_DENIED": 60}
    assert grpc["errors"] == 60 and grpc["successes"] == 0
    assert_consistent(grpc)
    connect = bench_json(bench_daemon, "bench", "probe-1", ECHO, "--protocol", "connect", "--data-json", data, "-n", "60")
    assert connect["statuses"] == {"403": 60} and connect["errors"] == 60
    assert_consistent(connect, success="200")
    tool = mcp_tool(bench_daemon, "probe-1", ECHO)
    mcp = bench_json(bench_daemon, "bench", "probe-1", tool, "--protocol", "mcp", "--data-json", data, "-n", "60")
    assert mcp["statuses"] == {"isError": 60} and mcp["errors"] == 60
    assert_consistent(mcp, success="200")
    ok = bench_json(bench_daemon, "bench", "probe-1", tool, "--protocol", "mcp", "--data-json", '{"text":"fine"}', "-n", "60")
    assert ok["statuses"] == {"200": 60} and ok["errors"] == 0


def test_requests_past_the_timeout_are_cancelled_and_counted_once(bench_daemon):
    report = bench_json(bench_daemon, "bench", "probe-1", ECHO, "--data-json", '{"sleep_ms":5000}', "-c", "1", "-m", "4",
                        "-n", "8", "--timeout", "300ms")
    assert report["statuses"] == {"timeout": 8}
    latency = report["latency_ms"]
    # Deadlines are checked every 100 ms: a timed-out request is cancelled 300–400 ms after its send.
    assert 300 <= latency["p50"] and latency["max"] < 1000
    assert report["elapsed_seconds"] < 3


def test_capset_token_from_option_and_environment(bench_daemon):
    cli_json(bench_daemon, "capset", "create", "secured")
    cli_json(bench_daemon, "capset", "add-instance", "secured", "calculator-1")
    assert bench_daemon.cli("capset", "add-token", "secured", "t1", "--token", CAPSET_TOKEN).returncode == 0
    refused = bench_json(bench_daemon, "secured", "calculator-1", ADD, "-n", "20")
    assert refused["statuses"] == {"UNAUTHENTICATED": 20}
    refused_connect = bench_json(bench_daemon, "secured", "calculator-1", ADD, "--protocol", "connect", "-n", "20")
    assert refused_connect["statuses"] == {"401": 20}
    with_option = bench_json(bench_daemon, "secured", "calculator-1", ADD, "--token", CAPSET_TOKEN, "-n", "20")
    assert with_option["statuses"] == {"OK": 20}
    from_env = bench_json(bench_daemon, "secured", "calculator-1", ADD, "--protocol", "connect", "-n", "20",
                          env={"OCTOBUS_CAPSET_TOKEN": CAPSET_TOKEN})
    assert from_env["statuses"] == {"200": 20}
    tool = mcp_tool(bench_daemon, "calculator-1", ADD, capset="secured")
    mcp = bench_json(bench_daemon, "secured", "calculator-1", tool, "--protocol", "mcp", "-n", "20", "--token", CAPSET_TOKEN)
    assert mcp["statuses"] == {"200": 20}
    # Without the token the MCP handshake itself is refused, before any load.
    result = bench(bench_daemon, "secured", "calculator-1", tool, "--protocol", "mcp", "-n", "20")
    assert result.returncode == 1 and "MCP initialize (POST /capsets/secured/mcp) was refused: HTTP 401" in result.stderr, result.stderr


# -- coordinated omission ---------------------------------------------------------------

@pytest.fixture
def stall_servers(tmp_path):
    """Starts Python grpcio servers that stall their whole event loop for 1 s at their
    `stall_after`-th call; returns (url, descriptor set) for each."""
    processes = []
    descriptor = tmp_path / "calculator.protoset"
    proto = REPO / "examples/calculator-js/proto"
    subprocess.run(["protoc", "-I", str(proto), "--include_imports", "-o", str(descriptor), str(proto / "calculator.proto")], check=True)

    def start(stall_after: int):
        port_file = tmp_path / f"stall-{len(processes)}.port"
        process = subprocess.Popen([sys.executable, str(REPO / "Tests/e2e/support/stall_server.py"), str(port_file),
                                    str(stall_after), "1.0"])
        processes.append(process)
        deadline = time.time() + 20
        while not port_file.exists():
            assert process.poll() is None and time.time() < deadline, "stall server did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{port_file.read_text()}", descriptor

    yield start
    for process in processes:
        process.kill()
        process.wait()


@pytest.fixture
def stall_server(stall_servers):
    """A server that stalls for 1 s at its 300th call."""
    return stall_servers(300)


def test_open_loop_shows_a_stall_that_closed_loop_hides(stall_server):
    url, descriptor = stall_server
    report = bench_json(None, "--target", url, "--descriptor", str(descriptor), ADD, "--data-json", '{"left":1,"right":2}',
                        "--rate", "200", "-d", "4s", "-c", "1", "-m", "50")
    # Every scheduled request is sent and counted once: 800 in 4 s, none duplicated or dropped.
    assert report["requests"] == 800 and report["errors"] == 0
    assert_consistent(report)
    # The stall (1 s) shows in the tail: the request that hit it waited ~1 s …
    assert report["latency_ms"]["p99.9"] >= 900
    # … and so did every arrival scheduled during it (≈ 200/s × 1 s), each counted once,
    # with latencies from ~1 s down to 0 as the backlog drains.
    slow = slow_count(report, 100)
    assert 150 <= slow <= 260, slow
    assert report["latency_ms"]["p90"] >= 100
    # Measured from the actual send, the stall looks like (at most) one slow request per
    # stream in flight: what a closed-loop tool would report.
    assert report["service_time_ms"]["p50"] < 100


def test_open_loop_sends_every_arrival_due_before_the_end(stall_servers):
    # The stall begins at call 350 (1.75 s into a 2 s run at 200/s) and outlasts the run:
    # the arrivals due meanwhile wait for the server, and are still sent and counted.
    url, descriptor = stall_servers(350)
    report = bench_json(None, "--target", url, "--descriptor", str(descriptor), ADD, "--rate", "200", "-d", "2s", "-c", "1", "-m", "20")
    assert report["requests"] == 400 and report["errors"] == 0
    assert report["latency_ms"]["max"] >= 700
    assert report["max_backlog"] > 0
    assert_consistent(report)


def test_closed_loop_sees_the_stall_once(tmp_path, stall_server):
    url, descriptor = stall_server
    report = bench_json(None, "--target", url, "--descriptor", str(descriptor), ADD, "-c", "1", "-m", "1", "-n", "1000")
    assert report["requests"] == 1000 and report["errors"] == 0
    # One stream in flight: only the request that hit the stall is slow; the client simply
    # stopped sending meanwhile (coordinated omission), so p99 stays fast.
    assert slow_count(report, 900) == 1
    assert report["latency_ms"]["p99"] < 100


# -- errors before any load -------------------------------------------------------------

def access_lines(daemon) -> int:
    path = Path(daemon.data_dir) / "access.log"
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.parametrize("args, message", [
    (["nope", "calculator-1", ADD], 'capset "nope" not found'),
    (["bench", "nobody", ADD], 'instance "nobody" is not bound in capset "bench"'),
    (["bench", "calculator-1", "calculator.v1.CalculatorService/Divide"], 'method "calculator.v1.CalculatorService/Divide" is not exposed'),
    (["bench", "calculator-1", "no_such_tool", "--protocol", "mcp"], 'tool "no_such_tool" is not exposed'),
    (["bench", "calculator-1", ADD, "--data-json", '{"left": "abc"}'], "bad request JSON for calculator.v1.BinaryOperationRequest"),
    (["bench", "calculator-1", ADD, "--data-json", '{"nope": 1}'], "bad request JSON"),
    (["bench", "calculator-1", ADD, "--data-json", "{"], "--data-json is not valid JSON"),
    (["bench", "streaming-1", EXPAND, "--protocol", "connect"], "Connect calls unary methods only"),
    (["bench", "calculator-1", ADD, "-n", "10", "-d", "1s"], "-n and -d are mutually exclusive"),
    (["bench", "calculator-1", ADD, "--rate", "fast"], 'invalid --rate "fast"'),
    (["bench", "calculator-1", ADD, "-c", "0"], "-c must be between 1 and"),
])
def test_errors_before_any_load(bench_daemon, args, message):
    before = access_lines(bench_daemon)
    result = bench(bench_daemon, *args)
    assert result.returncode == 1, result.stdout
    assert message in result.stderr, result.stderr
    assert result.stdout == ""
    time.sleep(0.3)
    assert access_lines(bench_daemon) == before, "a request reached the gateway"


def test_unreachable_target_fails_before_load(tmp_path):
    descriptor = tmp_path / "calculator.protoset"
    proto = REPO / "examples/calculator-js/proto"
    subprocess.run(["protoc", "-I", str(proto), "--include_imports", "-o", str(descriptor), str(proto / "calculator.proto")], check=True)
    result = bench(None, "--target", "http://127.0.0.1:1", "--descriptor", str(descriptor), ADD, "-n", "10")
    assert result.returncode == 1
    assert "cannot connect to 127.0.0.1:1" in result.stderr and "ECONNREFUSED" in result.stderr
    assert result.stdout == ""
    no_daemon = subprocess.run([BIN, "--addr", "127.0.0.1:1", "bench", "c", "i", ADD], capture_output=True, text=True, timeout=60)
    assert no_daemon.returncode == 1 and "octobus daemon is not running at" in no_daemon.stderr


# -- terminal progress and HTML ------------------------------------------------------------

def test_progress_line_on_a_terminal(bench_daemon):
    main, replica = pty.openpty()
    process = subprocess.Popen([BIN, "--addr", bench_daemon.addr, "bench", "bench", "native-1", ADD, "-d", "1500ms", "-c", "1", "-m", "1"],
                               stdout=replica, stderr=replica, close_fds=True)
    os.close(replica)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(main)
    screen = b"".join(chunks).decode(errors="replace")
    assert process.returncode == 0
    assert "\r\x1b[K" in screen and "req/s" in screen and "requests" in screen
    assert "latency" in screen.split("\r\x1b[K")[-1]  # the report follows the cleared line


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is not installed (scripts/setup.sh installs it)")


def test_html_report_renders_in_a_browser(bench_daemon, tmp_path):
    html = tmp_path / "report.html"
    result = bench(bench_daemon, "bench", "native-1", ADD, "--compare", "-d", "1s", "--html", str(html))
    assert result.returncode == 0, result.stderr
    text = html.read_text()
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "").replace(f"http://{bench_daemon.addr}", "").split("<script>")[1], \
        "the report must not fetch anything"
    assert "<script src" not in text and "<link" not in text
    browser = chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", html.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-rendered="true"' in dom
    import re
    for chart, series in (("latency-chart", 2), ("throughput-chart", 2), ("p99-chart", 4)):
        match = re.search(rf'<svg id="{chart}"[^>]*data-series="(\d+)"', dom)
        assert match and int(match.group(1)) == series, chart
    points = [int(n) for n in re.findall(r'class="series[^"]*" data-name="[^"]*" data-points="(\d+)"', dom)]
    assert len(points) == 8 and all(n > 1 for n in points), points
    assert all(d for d in re.findall(r'<path d="([^"]*)"', dom))
    shot = tmp_path / "report.png"
    subprocess.run([browser, *flags, "--window-size=1000,1500", f"--screenshot={shot}", html.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000
    print(f"HTML report screenshot: {shot}")
