"""Throughput of the Node SDK's gRPC server vs a Python grpcio server, and the
wall time of one on-demand `--runtime invoke` call.

Both servers implement calculator.v1.CalculatorService/Add (examples/
calculator-js and py_calculator_server.py) and are loaded in turn with
h2load sending a pre-built length-prefixed gRPC request:

    h2load -n N -c C -m M -H 'content-type: application/grpc' -H 'te: trailers' -d add.bin \
        http://127.0.0.1:PORT/calculator.v1.CalculatorService/Add

Run from the repository root:

    .venv/bin/python Benchmarks/sdk/run_benchmark.py [-n 100000] [-c 10] [-m 10] [--invoke-runs 10]
    .venv/bin/python Benchmarks/sdk/run_benchmark.py --invoke-only [--invoke-runs 30] [--sdk OTHER_SDK_DIR]

Needs node, npm (offline is fine), protoc and h2load (Debian: nghttp2-client).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLE = REPO / "examples" / "calculator-js"
ADD = "/calculator.v1.CalculatorService/Add"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_example(tmp: Path, sdk: Path | None = None) -> Path:
    """A temp copy of calculator-js with its file: SDK dependency installed
    offline (from `sdk` instead of this checkout's, to compare two SDK trees)."""
    dest = tmp / "calculator-js"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("node_modules"))
    pkg = json.loads((dest / "package.json").read_text())
    for name, spec in pkg["dependencies"].items():
        if spec.startswith("file:"):
            target = sdk if sdk is not None and name == "@chaitin-ai/octobus-sdk" else EXAMPLE / spec[5:]
            pkg["dependencies"][name] = "file:" + str(target.resolve())
    (dest / "package.json").write_text(json.dumps(pkg, indent=2))
    subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
                   cwd=dest, check=True)
    return dest


def compile_descriptor(package: Path, out: Path) -> Path:
    subprocess.run(["protoc", "--include_imports", "--include_source_info", f"--descriptor_set_out={out}",
                    f"-I{package / 'proto'}", str(package / "proto" / "calculator.proto")], check=True)
    return out


def message_types(descriptor: Path):
    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:
        pool.Add(file)
    get = lambda n: message_factory.GetMessageClass(pool.FindMessageTypeByName(n))  # noqa: E731
    return get("calculator.v1.BinaryOperationRequest"), get("calculator.v1.CalculatorResponse")


def wait_ready(port: int, proc: subprocess.Popen, request_type, response_type, timeout=15.0) -> None:
    """Poll Add until it answers 42: the server is up and the request is right."""
    deadline = time.monotonic() + timeout
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        add = channel.unary_unary(ADD, request_serializer=request_type.SerializeToString,
                                  response_deserializer=response_type.FromString)
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            try:
                reply = add(request_type(left=20, right=22), timeout=0.5)
                if reply.result != 42:
                    raise RuntimeError(f"Add returned {reply.result}, expected 42")
                return
            except grpc.RpcError:
                time.sleep(0.1)
    raise RuntimeError(f"server on port {port} not ready")


def h2load(port: int, body: Path, n: int, c: int, m: int) -> dict:
    cmd = ["h2load", "-n", str(n), "-c", str(c), "-m", str(m),
           "-H", "content-type: application/grpc", "-H", "te: trailers", "-d", str(body),
           f"http://127.0.0.1:{port}{ADD}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    done = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", out)
    latency = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", out)
    return {
        "command": " ".join(f"'{a}'" if " " in a else a for a in cmd),
        "req_per_s": rps,
        "succeeded": int(done.group(3)),
        "failed": int(done.group(4)) + int(done.group(5)),
        "latency_min_max_mean_sd": latency.groups() if latency else None,
    }


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def measure(name: str, argv: list[str], *, cwd: Path, env: dict, port: int, types, body: Path, args) -> dict:
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(port, proc, *types)
        h2load(port, body, max(args.n // 10, 1000), args.c, args.m)  # warm-up (JIT, caches)
        result = h2load(port, body, args.n, args.c, args.m)
        result["server"] = name
        return result
    finally:
        stop(proc)


def time_invoke(entry: Path, package: Path, descriptor: Path, workdir: Path, request: bytes, response_type, runs: int) -> dict:
    """Wall time of `<entry> --runtime invoke` from spawn to exit, as the daemon
    runs it: secret on a pipe (passed at its own fd number rather than moved to
    3, which the SDK treats alike), descriptor from OCTOBUS_DESCRIPTOR_PATH."""
    metadata = workdir / "invoke-metadata.json"
    metadata.write_text('{"x-octobus-ext-business-request-id":["bench"]}')
    argv = [str(entry), "--runtime", "invoke", "--method", ADD.lstrip("/"), "--config", str(workdir / "config.json"),
            "--secret-fd", "FD", "--metadata", str(metadata), "--workdir", str(workdir), "--service", "calc",
            "--instance", "bench"]
    env = {**os.environ, "OCTOBUS_PACKAGE_DIR": str(package), "OCTOBUS_DESCRIPTOR_PATH": str(descriptor)}
    times = []
    for _ in range(runs + 1):  # the first run warms the OS file cache and is dropped
        read_end, write_end = os.pipe()
        os.write(write_end, b'{"apiToken":"bench"}')
        os.close(write_end)
        run_argv = [str(read_end) if a == "FD" else a for a in argv]
        started = time.perf_counter()
        proc = subprocess.run(run_argv, input=request, capture_output=True, cwd=workdir, env=env, pass_fds=(read_end,))
        times.append(time.perf_counter() - started)
        os.close(read_end)
        if proc.returncode != 0 or not proc.stdout:
            raise RuntimeError(f"invoke failed ({proc.returncode}): {proc.stderr.decode()}")
        if response_type.FromString(proc.stdout).secret_token != "bench":
            raise RuntimeError("invoke did not receive the secret")
    times = times[1:]
    return {"runs": runs, "mean_ms": statistics.mean(times) * 1000, "min_ms": min(times) * 1000,
            "max_ms": max(times) * 1000, "command": " ".join(argv)}


def main() -> int:
    parser = argparse.ArgumentParser(description="Node SDK vs grpcio throughput, and invoke wall time")
    parser.add_argument("-n", type=int, default=100_000, help="h2load requests per server")
    parser.add_argument("-c", type=int, default=10, help="h2load clients (connections)")
    parser.add_argument("-m", type=int, default=10, help="h2load max concurrent streams per connection")
    parser.add_argument("--invoke-runs", type=int, default=10)
    parser.add_argument("--invoke-only", action="store_true", help="only time --runtime invoke (no h2load runs)")
    parser.add_argument("--sdk", type=Path, help="SDK directory to install instead of this checkout's sdk/")
    parser.add_argument("--json-out", type=Path, help="also write the results here")
    args = parser.parse_args()

    for tool in ("node", "npm", "protoc") + (() if args.invoke_only else ("h2load",)):
        if shutil.which(tool) is None:
            print(f"{tool} is required on PATH", file=sys.stderr)
            return 1

    with tempfile.TemporaryDirectory(prefix="octobus-sdk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        package = install_example(tmp, args.sdk)
        descriptor = compile_descriptor(package, tmp / "calculator.protoset")
        types = message_types(descriptor)
        request = types[0](left=20, right=22).SerializeToString()
        body = tmp / "add.bin"
        body.write_bytes(struct.pack(">BI", 0, len(request)) + request)
        workdir = tmp / "work"
        workdir.mkdir()
        (workdir / "config.json").write_text('{"label":"bench"}')
        entry = package / "bin" / "calculator.js"

        results = []
        port = free_port()
        if args.invoke_only:
            invoke = time_invoke(entry, package, descriptor, workdir, request, types[1], args.invoke_runs)
            print(f"--runtime invoke wall time (spawn to exit, {invoke['runs']} runs): "
                  f"mean {invoke['mean_ms']:.1f} ms, min {invoke['min_ms']:.1f} ms, max {invoke['max_ms']:.1f} ms")
            print(f"  {invoke['command']}")
            if args.json_out:
                args.json_out.write_text(json.dumps({"invoke": invoke}, indent=2) + "\n")
            return 0
        node_env = {**os.environ, "OCTOBUS_PACKAGE_DIR": str(package), "OCTOBUS_DESCRIPTOR_PATH": str(descriptor),
                    "OCTOBUS_SERVICE_ID": "calc", "OCTOBUS_INSTANCE_ID": "bench"}
        results.append(measure(
            "calculator-js --runtime serve (Node SDK)",
            [str(entry), "--runtime", "serve", "--host", "127.0.0.1", "--port", str(port), "--config",
             str(workdir / "config.json"), "--secret-json", '{"apiToken":"bench"}', "--workdir", str(workdir),
             "--service", "calc", "--instance", "bench"],
            cwd=workdir, env=node_env, port=port, types=types, body=body, args=args))
        for aio in (False, True):
            port = free_port()
            argv = [sys.executable, str(HERE / "py_calculator_server.py"), "--descriptor", str(descriptor), "--port",
                    str(port), "--config-json", '{"label":"bench"}', "--secret-json", '{"apiToken":"bench"}']
            if aio:
                argv.append("--aio")
            results.append(measure(f"py_calculator_server.py ({'grpc.aio' if aio else 'thread pool'})", argv,
                                   cwd=workdir, env={**os.environ, "OCTOBUS_SERVICE_ID": "calc"}, port=port,
                                   types=types, body=body, args=args))
        invoke = time_invoke(entry, package, descriptor, workdir, request, types[1], args.invoke_runs)

    print(f"h2load -n {args.n} -c {args.c} -m {args.m}, unary calculator.v1.CalculatorService/Add")
    for r in results:
        print(f"  {r['server']:45s} {r['req_per_s']:>10.0f} req/s  ({r['succeeded']} ok, {r['failed']} failed)")
    print(f"--runtime invoke wall time (spawn to exit, {invoke['runs']} runs): "
          f"mean {invoke['mean_ms']:.1f} ms, min {invoke['min_ms']:.1f} ms, max {invoke['max_ms']:.1f} ms")
    print("commands:")
    for r in results:
        print(f"  {r['command']}")
    print(f"  {invoke['command']}")
    if args.json_out:
        args.json_out.write_text(json.dumps({"h2load": results, "invoke": invoke}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
