from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safetyhelper.content import ContentError, load_content, shipped_content_dir

SHIPPED = shipped_content_dir()
#: Tests never read the developer's own configuration file.
ISOLATED_CONFIG = Path(__file__).resolve().parent / "_no_config_here"


def shipped_text(rel: str) -> str:
    return (SHIPPED / rel).read_text(encoding="utf-8")


def override_with(folder: Path, files: dict[str, str]) -> Path:
    """Make an override content folder holding ``files`` (relative name -> text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


#: Things at a file's path that are not a regular file: readers must refuse each in one line, at once.
NOT_A_FILE = ("fifo", "dev-zero link", "folder", "dangling link", "link loop")


def not_a_file(path: Path, kind: str) -> Path:
    """Put one of NOT_A_FILE at ``path`` (its folder must exist)."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero link":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "dangling link":
        path.symlink_to(path.parent / f"not-there-{path.name}")
    elif kind == "link loop":
        path.symlink_to(path)
    else:
        raise ValueError(f"not one of NOT_A_FILE: {kind!r}")
    return path


def content_error(folder: Path, rel: str, text: str) -> ContentError:
    """Load the shipped pack with ``rel`` replaced by ``text``; return the ContentError it must raise."""
    override_with(folder, {rel: text})
    with pytest.raises(ContentError) as info:
        load_content(folder)
    return info.value


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m safetyhelper`` with no SAFETYHELPER_* settings from this machine leaking in."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYHELPER_") or k == "SAFETYHELPER_REQUIRE_CUPS"}
    full_env.setdefault("XDG_CONFIG_HOME", str(ISOLATED_CONFIG))
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "safetyhelper", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        input=input,
    )


@pytest.fixture(autouse=True)
def _own_state_folder(tmp_path_factory, monkeypatch):
    """Every test has its own state folder (the kiosk's PIN lockout and crash log live there), so no test
    reads or writes the developer's own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    # ... and its own data folder: an updated indicator list (phone indicators update) lives there.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
