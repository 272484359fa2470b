"""Entry point for the console script and for ``python -m safetyhelper``."""

from __future__ import annotations

import sys

from safetyhelper.cli import main as _main


def main(argv: list[str] | None = None) -> int:
    return _main(argv)


if __name__ == "__main__":
    sys.exit(main())
