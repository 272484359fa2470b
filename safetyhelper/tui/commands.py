"""Command palette: jump to any platform's or device's guide QR code."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class GuideCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str]]:
        pack = self.app.pack
        out = []
        for p in pack.platforms + pack.devices:
            for g in p.guides:
                topic = pack.topic(g.topic)
                out.append((f"{p.name}: {topic.title if topic else g.topic}", g.title, g.url))
        return out

    def _open(self, title: str, url: str) -> None:
        from safetyhelper.tui.screens.qr import QRScreen

        self.app.push_screen(QRScreen([(title, url)]))

    async def discover(self) -> Hits:
        for name, title, url in self._commands():
            yield DiscoveryHit(name, partial(self._open, f"{name}: {title}", url), help=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, title, url in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._open, f"{name}: {title}", url), help=title)
