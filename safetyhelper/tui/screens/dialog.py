"""The look shared by every small dialog (sheet options, progress, questions, the staff PIN)."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    SCOPED_CSS = False
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    #dialog { width: 70; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto; padding: 1 2; background: $surface; border: thick $primary; }
    #dialog Checkbox { width: 100%; }
    #dialog Input { margin-bottom: 1; }
    #dialog RadioSet { width: 100%; height: auto; max-height: 8; }
    """
