"""Where the files that ship with casework are found at run time: one resolver for all of them
(templates, mail, migrations, demo data, message catalogues).

The repository keeps ``templates/`` and ``migrations/`` at its top level; the build maps them into
the package as ``casework.templates`` and ``casework.migrations`` (pyproject.toml), so an installed
wheel and an editable checkout answer the same way, and nothing computes a path from the
repository root.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_PACKAGES = {
    "templates": "casework.templates",          # Jinja templates of the web app
    "mail": "casework.templates",               # mail templates (templates/mail)
    "migrations": "casework.migrations",        # Alembic environment and revisions
    "demo": "casework.demo",                    # demo notices and names
    "translations": "casework",                 # gettext catalogues (casework/translations)
}


def path(kind: str) -> Path:
    """The directory holding ``kind`` (a real directory: wheels are installed unpacked)."""
    try:
        package = _PACKAGES[kind]
    except KeyError:
        raise ValueError(f"unknown resource {kind!r}: one of {', '.join(_PACKAGES)}") from None
    found = Path(str(files(package)))
    if kind in ("mail", "translations"):
        found = found / kind
    if not found.is_dir():
        raise FileNotFoundError(f"casework is installed without its {kind} ({found}): reinstall the package")
    return found
