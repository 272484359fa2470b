"""Check the guide links, for staff, from the start screen (never during a session).

The check runs in a thread worker; the progress bar and the table are updated through
``app.call_from_thread``. Leaving the screen stops the check.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static

from safetyhelper.links import LinkResult, check_links, counts, no_network
from safetyhelper.translate import N_, _, ngettext
from safetyhelper.tui.widgets.footer import KeyFooter

#: Problems first, so staff see them without scrolling.
_ORDER = {"broken": 0, "unreachable": 1, "redirected": 2, "ok": 3}


def status_label(r: LinkResult) -> str:
    if r.status == "ok":
        return _("OK")
    if r.status == "redirected":
        return _("Moved")
    if r.status == "broken":
        return _("Broken ({code})").format(code=r.http_status) if r.http_status else _("Broken")
    return _("Unreachable")


def where_label(r: LinkResult) -> str:
    if r.status == "redirected":
        return f"{r.url} -> {r.final_url}"
    if r.status in ("broken", "unreachable") and r.reason:
        return f"{r.url} ({r.reason})"
    return r.url


def file_label(file: str) -> str:
    path = Path(file)
    return f"{path.parent.name}/{path.name}" if path.parent.name in ("accounts", "platforms", "devices") else path.name


class LinkCheckScreen(Screen):
    """Checks every link of the loaded content pack and lists what it found."""

    DEFAULT_CSS = """
    LinkCheckScreen #links { height: 1fr; }
    LinkCheckScreen #links-title { text-style: bold; color: $text-primary; padding: 0 1; }
    LinkCheckScreen #links-status { padding: 0 1; color: $text-muted; }
    LinkCheckScreen #links-status.-problems { color: $text-warning; }
    LinkCheckScreen #links-progress { padding: 0 1; height: 1; }
    LinkCheckScreen #links-table { height: 1fr; margin: 1 1 0 1; }
    LinkCheckScreen #links-detail { height: auto; max-height: 4; padding: 0 1; background: $surface; }
    """

    BINDINGS = [("b", "back", N_("Back"))]

    def __init__(self, *, timeout: float = 10.0, deadline: float = 120.0, backoff: float = 0.5) -> None:
        super().__init__()
        self.timeout = timeout
        self.deadline = deadline
        self.backoff = backoff
        #: The results once the check has finished (None while it runs).
        self.results: list[LinkResult] | None = None
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        total = len({link.url for link in self.app.pack.links})
        with Vertical(id="links"):
            yield Static(_("Check the guide links"), id="links-title", markup=False)
            yield Static(
                ngettext("Checking {count} link. This can take a minute.", "Checking {count} links. This can take a minute.", total)
                .format(count=total), id="links-status", markup=False,
            )
            yield ProgressBar(total=total, show_eta=False, id="links-progress")
            yield DataTable(id="links-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="links-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Status"), _("File"), _("Title"), _("Link (or where it lands)"))
        if self.app.current_mode != "start" or not self.app.session.is_empty:
            # Only ever offered on the start screen; refuse rather than make requests during a session.
            self._set_status(_("The link check is only for staff, from the start screen."), problems=True)
            return
        self.check()

    def on_unmount(self) -> None:
        self._cancel.set()

    def action_back(self) -> None:
        self._cancel.set()
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="link-check")
    def check(self) -> None:
        links = self.app.pack.links

        def progress(done: int, total: int, result: LinkResult) -> None:
            self._call(self._show_progress, done)

        results = check_links(
            links,
            timeout=self.timeout,
            deadline=self.deadline,
            backoff=self.backoff,
            progress=progress,
            cancel=self._cancel,
        )
        self._call(self._show_results, results)

    def _call(self, method, *args) -> None:
        """Run ``method`` on the event loop, unless the screen has gone (or the app has closed)."""
        if self._cancel.is_set():
            return
        try:
            self.app.call_from_thread(method, *args)
        except RuntimeError:  # the app is no longer running
            self._cancel.set()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole of the highlighted row below the table: long titles and URLs do not fit in it."""
        if self.results is None or event.row_key.value is None:
            return
        r = self.results[int(event.row_key.value)]
        lines = [f"{status_label(r)}: {r.title} ({r.file}, {r.field})", r.url]
        if r.status == "redirected":
            lines.append(_("now at {url}").format(url=r.final_url))
        elif r.reason and r.status != "ok":
            lines.append(_("{reason}, landed on {url}").format(reason=r.reason, url=r.final_url) if r.final_url else r.reason)
        self.query_one("#links-detail", Static).update(Content("\n".join(lines)))

    def _show_progress(self, done: int) -> None:
        if self.is_attached:
            self.query_one(ProgressBar).update(progress=done)

    def _set_status(self, text: str, *, problems: bool = False) -> None:
        status = self.query_one("#links-status", Static)
        status.update(Content(text))
        status.set_class(problems, "-problems")

    def _show_results(self, results: list[LinkResult]) -> None:
        self.results = results
        if not self.is_attached:
            return
        bar = self.query_one(ProgressBar)
        bar.update(progress=bar.total)
        table = self.query_one(DataTable)
        table.clear()
        for i, r in sorted(enumerate(results), key=lambda ir: (_ORDER[ir[1].status], ir[0])):
            # Plain Text, never markup: titles and URLs come from content files. (DataTable cannot measure
            # Content cells, so its columns would not widen to fit them.)
            table.add_row(
                Text(status_label(r)),
                Text(file_label(r.file)),
                Text(r.title),
                Text(where_label(r)),
                key=str(i),
            )
        c = counts(results)
        if no_network(results):
            self._set_status(_("None of the links could be reached: this computer looks offline."), problems=True)
            return
        # plural: translators see count (each of ok, moved, broken, unreachable is a count)
        line = _("{ok} OK, {moved} moved, {broken} broken, {unreachable} unreachable.").format(
            ok=c["ok"], moved=c["redirected"], broken=c["broken"], unreachable=c["unreachable"]
        )
        problems = bool(c["redirected"] or c["broken"] or c["unreachable"])
        if problems:
            # The leading space joins it to the sentence before (a translation may drop it).
            line += _(" Ask your admin to update the content files.")
        self._set_status(line, problems=problems)
