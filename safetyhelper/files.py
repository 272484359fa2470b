"""Files (no Textual): writing one in one step, and reading one safely.

Writing goes to a temporary file beside the target, flushed to disk, then renamed: a reader, or a crash
half-way, sees either the old file or the whole new one, never a part. Reading (read_limited) takes only
a regular file of bounded size, so a FIFO or a link to /dev/zero can never hang or flood the app.
"""

from __future__ import annotations

import errno
import os
import stat
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


#: The most bytes a content or configuration file may have. The whole shipped pack is about 40 kB.
MAX_READ_BYTES = 1_000_000


class UnreadableFile(Exception):
    """A file that cannot be read as a settings or content file; the message says why in plain words."""


def read_limited(path: str | os.PathLike[str], limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (links followed), at most ``limit`` of them.

    Never blocks and never reads without end: a FIFO, a device (a link to /dev/zero), a folder, a
    dangling link or a link loop is refused with UnreadableFile, as is a file bigger than ``limit``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableFile("a link to something that is not there") from None
        raise UnreadableFile("not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("a link that points back to itself (a link loop)") from None
        if exc.errno == errno.EISDIR:
            raise UnreadableFile("a folder, not a file") from None
        raise UnreadableFile(f"cannot read it: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
            raise UnreadableFile(f"{kind}, not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(f"too big ({info.st_size:,} bytes; at most {limit:,})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"too big (more than {limit:,} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read it: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
