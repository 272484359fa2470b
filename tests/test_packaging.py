"""The package as it ships: a real wheel in a fresh virtual environment, and a domain free of Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import safetyhelper
from safetyhelper.schema import SCHEMA_FILES

ROOT = Path(__file__).resolve().parent.parent


def domain_modules() -> list[str]:
    return sorted(
        f"safetyhelper.{m.name}"
        for m in pkgutil.iter_modules(safetyhelper.__path__)
        if m.name not in {"tui", "__main__"}
    )


def test_domain_modules_import_without_textual():
    mods = domain_modules()
    assert {"safetyhelper.content", "safetyhelper.cli"} <= set(mods)
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"domain modules pulled in: {out.stdout}"


def test_wheel_ships_the_content_pack(tmp_path):
    """Build the wheel, install it (no editable install) in a fresh venv, run `safetyhelper content check`."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(dist), "-q"],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("safetyhelper-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The runtime dependencies come from this environment's site-packages (read-only, via a .pth line), so
    # the test needs no network; safetyhelper itself comes only from the wheel.
    site = Path(subprocess.check_output([str(py), "-c", "import sysconfig;print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "safetyhelper"), "content", "check"], capture_output=True, text=True, cwd=work
    )
    assert result.returncode == 0, result.stderr
    assert "Content pack OK" in result.stdout
    # The indicator snapshot ships inside the package (content check names its date).
    assert "known monitoring apps: 156 (641 package names), list of 2026-06-21 (shipped snapshot)" in result.stdout
    where = subprocess.run(
        [str(py), "-c", "import safetyhelper.content as c; print(c.shipped_content_dir())"],
        capture_output=True, text=True, cwd=work, check=True,
    ).stdout.strip()
    assert where.startswith(str(site)), where
    assert (Path(where) / "platforms" / "facebook.toml").is_file()
    assert (Path(where) / "accounts" / "google-account.toml").is_file()
    # The translations and the sheet's catalogues ship too.
    assert (Path(where) / "locales" / "cy" / "locale.toml").is_file()
    assert (Path(where).parent / "locale" / "pl" / "LC_MESSAGES" / "safetyhelper.po").is_file()
    # The JSON Schemas ship beside the files whose #:schema lines point at them.
    shipped = sorted(p.name for p in (Path(where) / "schemas").glob("*.schema.json"))
    assert shipped == sorted(set(SCHEMA_FILES.values()))
    first = (Path(where) / "platforms" / "facebook.toml").read_text().splitlines()[0]
    assert (Path(where) / "platforms" / first.removeprefix("#:schema ")).resolve().is_file()
