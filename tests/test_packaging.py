"""The built wheel works outside the source tree: templates, mail, migrations and demo data travel
with it, and nothing is looked up from the repository root (issue 10, docs/deployment.md)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {"casework": ROOT / "casework", "casework.templates": ROOT / "templates",
          "casework.migrations": ROOT / "migrations"}


def _folders() -> set[str]:
    found = set()
    for name, base in MAPPED.items():
        for folder in [base, *base.rglob("*")]:
            if folder.is_dir() and "__pycache__" not in folder.parts:
                found.add(".".join((name, *folder.relative_to(base).parts)))
    return found


def test_every_folder_of_the_package_is_listed_in_pyproject():
    """A folder missing from ``packages`` would silently leave its files out of the wheel."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    assert _folders() - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - _folders() == set(), "these are listed in pyproject.toml but do not exist"


def _run(args: list[str], cwd: Path, env: dict, timeout: int = 600) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, installed in a fresh virtual environment."""
    work = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(ROOT)],
         cwd=work, env=os.environ.copy())
    wheel = next((work / "dist").glob("casework-*.whl"))
    _run([sys.executable, "-m", "venv", str(work / "venv")], cwd=work, env=os.environ.copy())
    python = work / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
         cwd=work, env=os.environ.copy())
    empty = work / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV")}
    env["DATABASE_URL"] = "sqlite:///" + str(work / "casework.sqlite")
    env["SECRET_KEY"] = "a-secret-for-the-packaging-test-only"
    env["PUBLIC_URL"] = "http://127.0.0.1"
    return work / "venv" / "bin", empty, env


def test_the_installed_package_does_not_come_from_the_checkout(installed):
    bin_dir, empty, env = installed
    where = _run([str(bin_dir / "python"), "-c", "import casework.resources as r; print(r.path('migrations'))"],
                 cwd=empty, env=env).strip()
    assert where.startswith(str(bin_dir.parent)), where
    assert not where.startswith(str(ROOT) + "/migrations")


def test_the_installed_wheel_upgrades_loads_the_demo_and_serves_it(installed):
    bin_dir, empty, env = installed
    casework = str(bin_dir / "casework")
    assert "database at head" in _run([casework, "db", "upgrade"], cwd=empty, env=env)
    _run([casework, "demo", "load"], cwd=empty, env=env)
    assert _run([casework, "demo", "status"], cwd=empty, env=env).strip() not in ("", "empty")
    port = _free_port()
    server = subprocess.Popen([casework, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=empty, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        assert page is not None, server.stdout.read() if server.poll() is not None else "the server never answered"
        assert "EPSO/AD/398/22" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
