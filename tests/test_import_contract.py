"""The layers of docs/architecture.md hold: no import points back up (``[tool.importlinter]`` in
pyproject.toml). A broken contract lists the offending chain of imports."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert command, "import-linter is a test dependency: pip install -e '.[test]'"
    done = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_leaves_are_forbidden_every_other_module_of_casework():
    """The "leaves" contract names what deadlines and competitions.rules may not import: every module of
    casework but themselves (a module added later must be added there, or this fails)."""
    import tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    [leaves] = [c for c in config if c["type"] == "forbidden"]
    assert set(leaves["source_modules"]) == {"casework.deadlines", "casework.competitions.rules"}
    package = ROOT / "casework"
    modules = {f"casework.{p.stem if p.is_file() else p.name}" for p in package.iterdir()
               if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    modules |= {f"casework.competitions.{p.stem}" for p in (package / "competitions").glob("*.py")
                if p.stem != "__init__"}
    wanted = modules - {"casework.deadlines", "casework.competitions"}
    assert wanted - set(leaves["forbidden_modules"]) == set()
