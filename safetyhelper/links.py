"""The guide link checker: is every URL in the content pack still there?

Each different URL is requested once (HEAD first, GET when a server refuses HEAD), through one shared
``requests.Session`` and a bounded pool of threads, with retries for 429 and 5xx answers, a timeout per
request and a deadline for the whole check. Every place the URL appears in the pack gets the result.

``update_checked_dates`` writes today's date as the ``checked`` date of every entry whose link is OK, back
into its content file, keeping comments and layout, one file at a time, atomically.

Nothing here imports Textual or Rich: the CLI (``links_cli``) and the staff screen both use this module.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import email.utils
import errno
import http
import json
import re
import socket
import ssl
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter

from safetyhelper import __version__
from safetyhelper.content import Link
from safetyhelper.files import write_atomic

USER_AGENT = f"safetyhelper/{__version__} (link checker; +https://github.com/safetyhelper)"

STATUSES = ("ok", "redirected", "broken", "unreachable")
#: A server that answers HEAD with one of these may still serve the page to a GET.
HEAD_REFUSED = (403, 405, 501)
#: The longest a Retry-After header may make us wait, in seconds.
RETRY_AFTER_CAP = 30.0
NOT_CHECKED_DEADLINE = "not checked: overall deadline passed"
NOT_CHECKED_CANCELLED = "not checked: cancelled"

Progress = Callable[[int, int, "LinkResult"], None]


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What happened to one link in one place of the content pack."""

    url: str
    file: str
    field: str
    title: str
    #: "ok", "redirected", "broken" or "unreachable".
    status: str
    #: The last HTTP status seen, if any answer came.
    http_status: int | None = None
    #: Where the page now is, when a redirect took us elsewhere.
    final_url: str | None = None
    #: A short reason for people: "HTTP 404 Not Found", "connection refused", "timed out after 10 s".
    reason: str | None = None
    elapsed_ms: int = 0
    #: True when no server answered at all for a network reason (refused, no name, timed out).
    network_failure: bool = False

    @property
    def not_checked(self) -> bool:
        return self.status == "unreachable" and (self.reason or "").startswith("not checked")


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The result for one URL, before it is given to every place the URL appears."""

    status: str
    http_status: int | None = None
    final_url: str | None = None
    reason: str | None = None
    elapsed_ms: int = 0
    network_failure: bool = False


# --------------------------------------------------------------------------- checking


class _Clock:
    """The overall deadline and the stop signal shared by every worker."""

    def __init__(self, deadline: float, cancel: threading.Event | None):
        self.end = time.monotonic() + deadline
        self.stop = threading.Event()
        self.cancel = cancel
        self.why = NOT_CHECKED_DEADLINE

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def stopped(self) -> bool:
        if self.cancel is not None and self.cancel.is_set():
            self.why = NOT_CHECKED_CANCELLED
            self.stop.set()
        return self.stop.is_set() or self.remaining() <= 0

    def sleep(self, seconds: float) -> bool:
        """Sleep, waking early if stopped; True if the sleep ran its full length."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.stopped():
                return False
            self.stop.wait(min(left, 0.1))
        return not self.stopped()


def make_session(workers: int) -> requests.Session:
    """One session for the whole check, its connection pool as large as the thread pool."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=workers, pool_maxsize=workers, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "*/*"
    return session


def _retryable(status: int) -> bool:
    return status == 429 or (500 <= status <= 599 and status != 501)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds())


def _seconds(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"


def _phrase(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _chain(exc: BaseException) -> Iterable[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> socket), each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        for nxt in (getattr(e, "reason", None), e.__cause__, e.__context__, *getattr(e, "args", ())):
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def describe_error(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """A short reason for a failed request, and whether it was a network failure (no server answered)."""
    chain = list(_chain(exc))
    if isinstance(exc, requests.exceptions.SSLError) or any(isinstance(e, ssl.SSLError) for e in chain):
        for e in chain:
            if isinstance(e, ssl.SSLCertVerificationError) and e.verify_message:
                return f"SSL error: {e.verify_message}", False
        return "SSL error: the secure connection failed", False
    if isinstance(exc, requests.exceptions.Timeout) or any(isinstance(e, (socket.timeout, TimeoutError)) for e in chain):
        return f"timed out after {_seconds(timeout)} s", True
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return "too many redirects", False
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema)):
        return "not a valid web address", False
    if isinstance(exc, requests.exceptions.ProxyError):
        return "proxy error", True
    if isinstance(exc, requests.exceptions.ConnectionError):
        for e in chain:
            if isinstance(e, socket.gaierror):
                if e.errno == getattr(socket, "EAI_AGAIN", None):
                    return "name lookup failed (no DNS answer)", True
                return "name not found", True
            if isinstance(e, ConnectionRefusedError):
                return "connection refused", True
            if isinstance(e, ConnectionResetError):
                return "connection reset", True
            if isinstance(e, OSError) and e.errno == errno.ENETUNREACH:
                return "network unreachable", True
            if isinstance(e, OSError) and e.errno == errno.EHOSTUNREACH:
                return "host unreachable", True
        for e in chain:
            if type(e).__name__ == "NameResolutionError":
                return "name not found", True
            if type(e).__name__ in ("RemoteDisconnected", "ProtocolError"):
                return "connection closed by the server", True
        return "connection failed", True
    if isinstance(exc, requests.exceptions.RequestException):
        return "bad answer from the server", False
    return f"error: {type(exc).__name__}", False


def _normal(url: str) -> tuple[str, str, str, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        host = f"{host}:{port}"
    return scheme, host, unquote(parts.path).rstrip("/"), unquote(parts.query)


def moved(original: str, final: str) -> bool:
    """True when ``final`` is somewhere else than ``original`` (a trailing slash or case of host aside)."""
    return _normal(original) != _normal(final)


def _request(session: requests.Session, method: str, url: str, timeout: float) -> requests.Response:
    if method == "HEAD":
        response = session.head(url, allow_redirects=True, timeout=timeout)
    else:
        response = session.get(url, allow_redirects=True, timeout=timeout, stream=True)
    response.close()  # never read a body: the status line is all we need
    return response


def _check_one(
    session: requests.Session,
    url: str,
    clock: _Clock,
    *,
    timeout: float,
    retries: int,
    backoff: float,
) -> _Outcome:
    started = time.monotonic()

    def ms() -> int:
        return int((time.monotonic() - started) * 1000)

    method = "HEAD"
    attempt = 0
    while True:
        if clock.stopped():
            return _Outcome("unreachable", reason=clock.why, elapsed_ms=ms())
        limit = min(timeout, max(clock.remaining(), 0.05))
        try:
            response = _request(session, method, url, limit)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a result, never a traceback
            reason, network = describe_error(exc, limit)
            if reason.startswith("timed out") and limit < timeout and clock.remaining() <= 0:
                # Cut short by the overall deadline, not the server's fault nor proof of no network.
                reason, network = NOT_CHECKED_DEADLINE, False
            return _Outcome("unreachable", reason=reason, elapsed_ms=ms(), network_failure=network)
        status = response.status_code
        final = response.url or url
        if method == "HEAD" and status in HEAD_REFUSED:
            method = "GET"
            continue
        if _retryable(status) and attempt < retries:
            wait = backoff * (2**attempt)
            asked = _retry_after(response.headers.get("Retry-After"))
            if asked is not None:
                wait = min(asked, RETRY_AFTER_CAP)
            if wait < clock.remaining() and clock.sleep(wait):
                attempt += 1
                continue
            # The wait would pass the deadline (or the check was stopped): report what we have.
        landed = final if response.history and moved(url, final) else None
        if status >= 400:
            reason = _phrase(status)
            if _retryable(status) and attempt:
                reason += f" (after {attempt} {'retry' if attempt == 1 else 'retries'})"
            return _Outcome("broken", status, landed, reason, ms())
        if landed:
            return _Outcome("redirected", status, landed, "moved", ms())
        return _Outcome("ok", status, None, None, ms())


def check_links(
    links: Sequence[Link],
    *,
    timeout: float = 10.0,
    deadline: float = 120.0,
    workers: int = 8,
    retries: int = 3,
    progress: Progress | None = None,
    backoff: float = 0.5,
    cancel: threading.Event | None = None,
) -> list[LinkResult]:
    """Check every link; one result per link, in the order given.

    ``timeout`` is per request, ``deadline`` for the whole check (URLs not done by then are reported as
    unreachable, "not checked"). ``backoff`` is the first wait before a retry (then doubled each time).
    ``progress(done, total, result)`` is called once per different URL as it completes, from the thread
    that called ``check_links``; ``total`` is the number of different URLs. Setting ``cancel`` stops the
    check early.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    places: dict[str, list[Link]] = {}
    for link in links:
        places.setdefault(link.url, []).append(link)
    total = len(places)
    clock = _Clock(deadline, cancel)
    outcomes: dict[str, _Outcome] = {}
    if not total:
        return []

    session = make_session(workers)
    pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck")
    futures: dict[cf.Future, str] = {}
    finished = False
    try:
        for url in places:
            fut = pool.submit(
                _check_one, session, url, clock, timeout=timeout, retries=retries, backoff=backoff
            )
            futures[fut] = url
        pending = set(futures)
        done_count = 0
        while pending:
            if clock.stopped():
                break
            done, pending = cf.wait(pending, timeout=min(0.1, max(clock.remaining(), 0)), return_when=cf.FIRST_COMPLETED)
            for fut in done:
                url = futures[fut]
                try:
                    outcomes[url] = fut.result()
                except Exception as exc:  # noqa: BLE001 - a bug in one check must not lose the others
                    outcomes[url] = _Outcome("unreachable", reason=f"error: {type(exc).__name__}")
                done_count += 1
                if progress is not None:
                    progress(done_count, total, _place(places[url][0], outcomes[url]))
        finished = not pending
    finally:
        clock.stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        if finished:
            session.close()
        else:
            # Requests still running end within their own timeout; close the session once they have.
            threading.Thread(target=_close_after, args=(pool, session), daemon=True).start()

    results = []
    for link in links:
        outcome = outcomes.get(link.url) or _Outcome("unreachable", reason=clock.why)
        results.append(_place(link, outcome))
    return results


def _close_after(pool: cf.ThreadPoolExecutor, session: requests.Session) -> None:
    pool.shutdown(wait=True)
    session.close()


def _place(link: Link, o: _Outcome) -> LinkResult:
    return LinkResult(
        url=link.url,
        file=link.file,
        field=link.field,
        title=link.title,
        status=o.status,
        http_status=o.http_status,
        final_url=o.final_url,
        reason=o.reason,
        elapsed_ms=o.elapsed_ms,
        network_failure=o.network_failure,
    )


# --------------------------------------------------------------------------- verdicts


def no_network(results: Sequence[LinkResult]) -> bool:
    """True when nothing could be checked: every link failed for a network reason (or was not reached)."""
    if not results:
        return False
    if not all(r.status == "unreachable" and (r.network_failure or r.not_checked) for r in results):
        return False
    return any(r.network_failure for r in results)


def exit_code(results: Sequence[LinkResult]) -> int:
    """0 when every link works (a redirect still works, but is listed), 1 when some are broken or
    unreachable, 2 when nothing could be checked at all (no network)."""
    if no_network(results):
        return 2
    if any(r.status in ("broken", "unreachable") for r in results):
        return 1
    return 0


def counts(results: Sequence[LinkResult]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for r in results:
        out[r.status] += 1
    return out


# --------------------------------------------------------------------------- output


def _detail(r: LinkResult) -> str:
    if r.status == "redirected":
        return f"now at {r.final_url}"
    if r.status == "broken":
        where = f", landed on {r.final_url}" if r.final_url else ""
        return (r.reason or _phrase(r.http_status or 0)) + where
    if r.status == "unreachable":
        return r.reason or "unreachable"
    return ""


def summary_line(results: Sequence[LinkResult], elapsed: float | None = None) -> str:
    c = counts(results)
    different = len({r.url for r in results})
    took = f" in {_seconds(elapsed)} s" if elapsed is not None else ""
    return (
        f"Checked {different} different links in {len(results)} places{took}: "
        f"{c['ok']} ok, {c['redirected']} redirected, {c['broken']} broken, {c['unreachable']} unreachable"
    )


def render_table(results: Sequence[LinkResult], elapsed: float | None = None) -> str:
    """Plain text for a terminal: the results grouped by content file, then a summary line."""
    labels = {
        "ok": "OK",
        "redirected": "REDIRECTED",
        "broken": "BROKEN",
        "unreachable": "UNREACHABLE",
    }
    by_file: dict[str, list[LinkResult]] = {}
    for r in results:
        by_file.setdefault(r.file, []).append(r)
    status_w = max((len(labels[r.status]) + (len(f" {r.http_status}") if r.status == "broken" and r.http_status else 0) for r in results), default=2)
    field_w = max((len(r.field) for r in results), default=0)
    lines: list[str] = []
    for file, rows in by_file.items():
        lines.append(file)
        for r in rows:
            label = labels[r.status]
            if r.status == "broken" and r.http_status:
                label += f" {r.http_status}"
            line = f"  {label:<{status_w}}  {r.field:<{field_w}}  {r.url}"
            lines.append(line)
            detail = _detail(r)
            if detail:
                lines.append(" " * (6 + status_w + field_w) + "-> " + detail)
        lines.append("")
    lines.append(summary_line(results, elapsed))
    c = counts(results)
    if c["redirected"]:
        lines.append("Redirected pages have moved: put the new address in the content file (url = ...).")
    if c["broken"] or c["unreachable"]:
        lines.append("Broken and unreachable links need a person to look: the page may be gone, or the site down.")
    return "\n".join(lines)


def to_json(results: Sequence[LinkResult]) -> str:
    keys = ("url", "file", "field", "title", "status", "http_status", "final_url", "reason", "elapsed_ms")
    return json.dumps([{k: asdict(r)[k] for k in keys} for r in results], indent=2, ensure_ascii=False)


# --------------------------------------------------------------------------- updating checked dates


class UpdateError(Exception):
    """Some content files could not be updated; ``changed`` lists the ones that were."""

    def __init__(self, changed: list[Path], failures: list[tuple[Path, str]]):
        self.changed = changed
        self.failures = failures
        super().__init__("; ".join(f"{p}: {why}" for p, why in failures))


_FIELD_RE = re.compile(r"^([A-Za-z0-9_-]+)(?:\[(\d+)\])?\.url$")


def _table_for(doc, field: str):
    m = _FIELD_RE.match(field)
    if not m:
        return None
    try:
        table = doc[m.group(1)]
        if m.group(2) is not None:
            table = table[int(m.group(2))]
    except (KeyError, IndexError, TypeError):
        return None
    return table if hasattr(table, "get") else None


def _updated_text(text: str, fields: list[tuple[str, str]], today: _dt.date) -> str | None:
    """``text`` with ``checked = today`` for each (field, url), or None when nothing changes."""
    import tomlkit  # only --update needs it

    doc = tomlkit.parse(text)
    changes = 0
    for field, url in fields:
        table = _table_for(doc, field)
        if table is None or str(table.get("url", "")) != url or "checked" not in table:
            continue  # the file changed since it was loaded: leave this entry alone
        if table["checked"] == today:
            continue
        table["checked"] = today
        changes += 1
    if not changes:
        return None
    new = tomlkit.dumps(doc)
    old_lines, new_lines = text.splitlines(), new.splitlines()
    differ = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    if len(old_lines) != len(new_lines) or len(differ) != changes or not all(
        re.match(r"^\s*checked\s*=", a) and re.match(r"^\s*checked\s*=", b) for a, b in differ
    ):
        raise ValueError("the file could not be updated line for line; change the dates by hand")
    return new


def update_checked_dates(results: Sequence[LinkResult], today: _dt.date) -> list[Path]:
    """Set ``checked = today`` for every entry whose link is "ok", in its own content file.

    Comments and layout are kept; only those ``checked`` lines change. Each file is written whole to a
    temporary file beside it and moved into place, so it is either as it was or fully updated. Returns
    the files changed; raises UpdateError (after trying every file) if some could not be written.
    """
    per_file: dict[str, list[tuple[str, str]]] = {}
    for r in results:
        if r.status == "ok":
            per_file.setdefault(r.file, []).append((r.field, r.url))
    changed: list[Path] = []
    failures: list[tuple[Path, str]] = []
    for file, fields in per_file.items():
        path = Path(file)
        try:
            raw = path.read_bytes()
            new = _updated_text(raw.decode("utf-8"), fields, today)
            if new is None:
                continue
            write_atomic(path, new.encode("utf-8"))
        except OSError as exc:
            failures.append((path, exc.strerror or str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - a file we cannot parse or rewrite is left as it was
            failures.append((path, str(exc) or type(exc).__name__))
            continue
        changed.append(path)
    if failures:
        raise UpdateError(changed, failures)
    return changed
