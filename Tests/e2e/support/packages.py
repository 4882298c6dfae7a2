"""Service package copies and archives for import tests.

The examples and fixtures depend on the SDK by path (`file:../../sdk`), which a
registry or an archive cannot resolve. `copy_package` makes a temp copy whose
SDK dependency is pinned to the SDK's version, which the test registry
(npm_registry.py) publishes, so the daemon's `npm install --omit=dev` in the
runtime dir resolves it from there.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SDK_DIR = REPO / "sdk"
EXAMPLES_DIR = REPO / "examples"
FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "packages"
SDK_NAME = "@chaitin-ai/octobus-sdk"

# Left in a working copy by a developer, never part of a package.
_IGNORE = shutil.ignore_patterns("node_modules", "metadata.json", "package-lock.json")


def sdk_version() -> str:
    return json.loads((SDK_DIR / "package.json").read_text())["version"]


def read_json(path: Path):
    return json.loads(Path(path).read_text())


def write_json(path: Path, value):
    Path(path).write_text(json.dumps(value, indent=2) + "\n")


def copy_package(src: Path, dest: Path, sdk_spec: str | None = None, package_edits: dict | None = None,
                 manifest_edits: dict | None = None, manifest_path: str = "service.json") -> Path:
    """Copy a package dir to `dest` (must not exist), pin the SDK dependency
    (default: the exact SDK version; pass e.g. `file:/abs/sdk` for a path dep)
    and merge `package_edits` / `manifest_edits` into package.json / service.json
    (a value of None deletes the key)."""
    dest = Path(dest)
    shutil.copytree(src, dest, ignore=_IGNORE, symlinks=True)
    pkg_file = dest / "package.json"
    if pkg_file.exists():
        pkg = read_json(pkg_file)
        deps = pkg.get("dependencies") or {}
        if SDK_NAME in deps:
            deps[SDK_NAME] = sdk_spec or sdk_version()
        _merge(pkg, package_edits or {})
        write_json(pkg_file, pkg)
    if manifest_edits:
        manifest_file = dest / manifest_path
        manifest = read_json(manifest_file)
        _merge(manifest, manifest_edits)
        write_json(manifest_file, manifest)
    return dest


def _merge(target: dict, edits: dict):
    for key, value in edits.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def example(name: str) -> Path:
    return EXAMPLES_DIR / name


def fixture(name: str) -> Path:
    return FIXTURES_DIR / name


def broken_package(case: str, dest: Path) -> Path:
    """The valid `mini` fixture with the files of `broken/<case>/` laid over it
    (and the files named in its `DELETE` list removed)."""
    overlay = FIXTURES_DIR / "broken" / case
    if not overlay.is_dir():
        raise ValueError(f"no broken fixture {case!r}")
    copy_package(FIXTURES_DIR / "mini", dest)
    for path in overlay.rglob("*"):
        if path.is_file() and path.name != "DELETE":
            target = Path(dest) / path.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    # DELETE lists package-relative files the case removes from `mini`.
    if (overlay / "DELETE").exists():
        for line in (overlay / "DELETE").read_text().splitlines():
            if line.strip():
                (Path(dest) / line.strip()).unlink()
    pkg_file = Path(dest) / "package.json"
    pkg = read_json(pkg_file)
    if SDK_NAME in (pkg.get("dependencies") or {}):
        pkg["dependencies"][SDK_NAME] = sdk_version()
        write_json(pkg_file, pkg)
    return Path(dest)


def broken_cases() -> list[str]:
    return sorted(p.name for p in (FIXTURES_DIR / "broken").iterdir() if p.is_dir())


def calculator_v2(dest: Path, version: str = "0.2.0", display_name: str = "Calculator JS v2") -> Path:
    """calculator-js plus a Multiply method (proto + handler), as a new version."""
    copy_package(EXAMPLES_DIR / "calculator-js", dest, package_edits={"version": version},
                 manifest_edits={"displayName": display_name})
    proto = dest / "proto" / "calculator.proto"
    text = proto.read_text()
    anchor = "  rpc Subtract(BinaryOperationRequest) returns (CalculatorResponse);\n"
    assert anchor in text, "calculator.proto changed; update calculator_v2()"
    proto.write_text(text.replace(anchor, anchor + "  // Multiply returns left * right.\n"
                                  "  rpc Multiply(BinaryOperationRequest) returns (CalculatorResponse);\n"))
    entry = dest / "bin" / "calculator.js"
    text = entry.read_text()
    anchor = '    "calculator.v1.CalculatorService/Subtract": (ctx) => {\n'
    assert anchor in text, "calculator.js changed; update calculator_v2()"
    entry.write_text(text.replace(anchor, '    "calculator.v1.CalculatorService/Multiply": (ctx) => {\n'
                                  "      const { left, right } = operands(ctx);\n"
                                  "      return respond(ctx, left * right);\n"
                                  "    },\n" + anchor))
    return dest


# -- archives ----------------------------------------------------------------

def make_tgz(src_dir: Path, dest: Path, prefix: str = "package/") -> Path:
    """tar.gz of the directory's contents under `prefix` (npm's layout by default)."""
    src_dir = Path(src_dir)
    with tarfile.open(dest, "w:gz") as tar:
        for path in sorted(src_dir.rglob("*")):
            tar.add(path, arcname=prefix + str(path.relative_to(src_dir)), recursive=False)
    return Path(dest)


def make_zip(src_dir: Path, dest: Path, prefix: str = "") -> Path:
    """zip of the directory's contents (at the root by default), modes kept."""
    src_dir = Path(src_dir)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(src_dir.rglob("*")):
            zf.write(path, prefix + str(path.relative_to(src_dir)))
    return Path(dest)


def unsafe_tgz(src_dir: Path, dest: Path, evil_name: str, payload: bytes = b"evil\n") -> Path:
    """A valid package tarball plus one entry named `evil_name` (e.g. `../evil`
    or an absolute path) added verbatim."""
    make_tgz(src_dir, dest)
    raw = io.BytesIO()
    with tarfile.open(dest, "r:gz") as old, tarfile.open(fileobj=raw, mode="w:gz") as new:
        for member in old.getmembers():
            new.addfile(member, old.extractfile(member) if member.isfile() else None)
        info = tarfile.TarInfo(evil_name)
        info.size = len(payload)
        info.mode = 0o644
        new.addfile(info, io.BytesIO(payload))
    Path(dest).write_bytes(raw.getvalue())
    return Path(dest)


def unsafe_zip(src_dir: Path, dest: Path, evil_name: str, payload: bytes = b"evil\n") -> Path:
    make_zip(src_dir, dest)
    with zipfile.ZipFile(dest, "a") as zf:
        zf.writestr(zipfile.ZipInfo(evil_name), payload)
    return Path(dest)


def bundle_sdk(package_dir: Path, marker: str = "BUNDLED_BY_TEST") -> Path:
    """Put a copy of the SDK into `<package>/node_modules/` with a marker file,
    as an archive that ships its dependencies would."""
    target = Path(package_dir) / "node_modules" / "@chaitin-ai" / "octobus-sdk"
    target.mkdir(parents=True)
    for name in ("package.json", "README.md"):
        if (SDK_DIR / name).exists():
            shutil.copy2(SDK_DIR / name, target / name)
    for name in ("bin", "src"):
        shutil.copytree(SDK_DIR / name, target / name)
    (target / marker).write_text("bundled\n")
    return target


def tree_files(root: Path) -> list[Path]:
    """Every regular file below root (symlinks not followed)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                out.append(path)
    return out
