"""The footer: the keys that work on this screen, as Textual's Footer shows them, in one light widget.

Textual's Footer is a container of one widget per key that rebuilds itself on every bindings update
(each focus change, each mount): several times per key press here, and a good part of start-up. This one
draws a single line of text, redraws only when the keys it shows change, and runs a key's action when
its label is clicked.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from safetyhelper.translate import N_, _

#: What the footer calls the command palette's key (also how render() tells that key from the others).
PALETTE = N_("palette")


class KeyFooter(Widget):
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--disabled"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyFooter > .key-footer--description { color: $footer-description-foreground; }
    KeyFooter > .key-footer--disabled { text-style: dim; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple = ()
        #: (first column, last column, action, node) of each key drawn, for clicks.
        self._spans: list[tuple[int, int, str, object]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _keys(self, screen: Screen) -> tuple:
        palette = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        shown = []
        for key, ab in screen.active_bindings.items():
            if not ab.binding.show or key == palette:
                continue
            shown.append((self.app.get_key_display(ab.binding), ab.binding.description, ab.enabled, ab.binding.action, ab.node))
        # Quick exit first, so that it is never cut off on a narrow screen.
        shown.sort(key=lambda k: k[3] != "quick_exit")
        if palette and palette in screen.active_bindings:
            ab = screen.active_bindings[palette]
            shown.append((self.app.get_key_display(ab.binding), PALETTE, ab.enabled, ab.binding.action, ab.node))
        return tuple(shown)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        keys = self._keys(screen)
        if keys != self._shown:
            self._shown = keys
            self.refresh()

    def render(self) -> Text:
        keys = list(self._shown)
        palette = keys.pop() if keys and keys[-1][1] == PALETTE else None
        text = self._line(keys, palette, compact=False)
        if Text(text.plain.rstrip()).cell_len > self.size.width:  # too many keys: one space less around each
            text = self._line(keys, palette, compact=True)
        return text

    def _line(self, keys: list, palette: tuple | None, *, compact: bool) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        desc_style = self.get_component_rich_style("key-footer--description")
        dim = self.get_component_rich_style("key-footer--disabled")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for display, description, enabled, action, node in keys:
            description = _translated(description)
            start = text.cell_len
            text.append(display if compact else f" {display} ", key_style + (dim if not enabled else key_style))
            text.append(f" {description} " if compact else f"{description} ", desc_style + (dim if not enabled else desc_style))
            self._spans.append((start, text.cell_len, action, node))
        if palette:
            display, description, enabled, action, node = palette
            description = _translated(description)
            tail = f"▏{display} {description}" + ("" if compact else " ")
            pad = max(0 if compact else 1, self.size.width - text.cell_len - len(tail))
            text.append(" " * pad)
            start = text.cell_len
            text.append("▏", desc_style)
            text.append(f"{display} ", key_style)
            text.append(description if compact else f"{description} ", desc_style)
            self._spans.append((start, text.cell_len, action, node))
        return text

    async def on_click(self, event: events.Click) -> None:
        for start, end, action, node in self._spans:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return


def _translated(description: str) -> str:
    """A binding's description (marked N_ where the binding is defined) in the screen language. Never
    _(""): gettext gives a catalogue's header for the empty message."""
    return _(description) if description else description
