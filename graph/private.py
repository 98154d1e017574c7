"""The data folder holds API key hashes, the audit trail and experts' personal data: only its
owner may read it. New folders are made 0700 and new files 0600 (SQLite gives its ``-wal`` and
``-shm`` files the database file's mode); an existing folder or file that others may read is
left as it is, with one warning naming the ``chmod`` that fixes it."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("tacmap.files")
_warned: set[Path] = set()


def private_folder(folder: Path) -> Path:
    """``folder``, made (with its parents) if missing: 0700 when this call creates it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    warn_if_open(folder)
    return folder


def private_file(path: Path) -> Path:
    """``path``, created empty with mode 0600 if missing (before SQLite opens it)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    warn_if_open(path)
    return path


def open_to_others(path: Path) -> bool:
    """Whether users other than the owner may read, write or enter ``path``."""
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def warn_if_open(path: Path) -> None:
    """One warning per path and process when others may reach it."""
    resolved = path.resolve()
    if resolved in _warned or not open_to_others(path):
        return
    _warned.add(resolved)
    mode = stat.S_IMODE(path.stat().st_mode)
    fix = 700 if path.is_dir() else 600
    log.warning(
        "warning: %s is open to other users (mode %04o) but holds API key hashes and personal data: "
        "chmod %s %s",
        path,
        mode,
        fix,
        path,
    )
