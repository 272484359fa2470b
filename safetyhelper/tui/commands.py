"""Command palette: jump to any platform's or device's guide QR code, or another guide's (Refuge, Women's Aid)."""

from __future__ import annotations

from functools import partial

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from safetyhelper.translate import _


class Palette(CommandPalette):
    """Textual's palette, closed with Ctrl+P (the app's binding) and safe against keys that come before
    its list is laid out."""

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            # PageUp/PageDown in the first moments: Textual's option list has no line map yet (KeyError 0).
            pass


class GuideCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str, str]]:
        """(what the palette lists, its help line, the QR screen's title, the address) for every guide."""
        pack = self.app.pack
        out = []
        for p in pack.guided:
            for g in p.guides:
                topic = pack.topic(g.topic)
                name = f"{p.name}: {topic.title if topic else g.topic}"
                out.append((name, g.title, f"{name}: {g.title}", g.url))
        for g in self.app.session.offered_general:
            out.append((_("Other guide: {title}").format(title=g.title), g.about, g.title, g.url))
        return out

    def _phone_checks(self) -> list[tuple[str, str, partial]]:
        """(what the palette lists, its help line, what it opens) for the guided phone check of each phone."""
        from safetyhelper.tui.screens.phone import open_phone_check

        phone = self.app.pack.phone_check
        if phone is None:
            return []
        return [
            (_("Check this phone: {device}").format(device=d.name), phone.title, partial(open_phone_check, self.app, d.id))
            for d in self.app.pack.devices if phone.for_device(d.id)
        ]

    def _all(self) -> list[tuple[str, str, partial]]:
        return self._phone_checks() + [
            (name, help, partial(self._open, title, url)) for name, help, title, url in self._commands()
        ]

    def _open(self, title: str, url: str) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        self.app.push_screen(QRScreen([(title, url)]))

    async def discover(self) -> Hits:
        for name, help, then in self._all():
            # Content, never markup: names and titles come from content files.
            yield DiscoveryHit(Content(name), then, help=Content(help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help, then in self._all():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), then, help=Content(help))


def _highlight(matcher, name: str) -> Content:
    """As Matcher.highlight, but ``name`` is plain text (Textual's parses it as markup)."""
    content = Content(name)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
