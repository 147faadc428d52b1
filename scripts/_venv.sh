# Sourced by the other scripts: a virtual environment in .venv with casework installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "casework needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x "$ROOT/.venv/bin/python" ]; then
  echo "setting up the virtual environment in .venv ..." >&2
  if ! "$PYTHON" -m venv "$ROOT/.venv"; then
    echo "could not create a virtual environment: install the venv module (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
fi
stamp="$ROOT/.venv/.installed-$(sha1sum "$ROOT/pyproject.toml" | cut -c1-12)-${1:-app}"
if [ ! -f "$stamp" ]; then
  echo "installing casework and its dependencies ..." >&2
  "$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT${2:-}"
  touch "$stamp"
fi
export PATH="$ROOT/.venv/bin:$PATH"
