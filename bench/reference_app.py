"""The reference: a minimal Textual app that shows one label."""

from textual.app import App, ComposeResult
from textual.widgets import Label


class Minimal(App):
    def compose(self) -> ComposeResult:
        yield Label("Online safety check")


if __name__ == "__main__":
    Minimal().run()
