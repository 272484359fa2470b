"""Writing a file in one step (no Textual): a temporary file beside it, flushed to disk, then renamed.

A reader, or a crash half-way, sees either the old file or the whole new one, never a part.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes, *, mode: int | None = None) -> Path:
    """Replace ``path`` with ``data``. ``mode`` None keeps an existing file's permissions (a new file gets
    0600, readable by its owner only)."""
    target = Path(os.path.realpath(Path(path).expanduser()))
    if mode is None:
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o600
    tmp = _written_beside(target, data, mode)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return target
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return target


def write_new(path: str | os.PathLike[str], data: bytes, *, mode: int = 0o600) -> Path:
    """Create ``path`` holding ``data`` in one step; fail with FileExistsError if anything (a file, a
    folder, even a dangling link) is already there. The whole file appears at once or not at all."""
    target = Path(path).expanduser()
    tmp = _written_beside(target, data, mode)
    try:
        os.link(tmp, target)  # atomic, and refuses an existing name without following links
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _written_beside(target: Path, data: bytes, mode: int) -> Path:
    """A temporary file in ``target``'s folder holding ``data``, flushed to disk, with ``mode``."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
