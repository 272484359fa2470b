"""The guide link checker against a real local HTTP server: statuses, retries, timeouts, the CLI and the
staff screen. No mocks: every request goes over a socket."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import safetyhelper.cli
from conftest import override_with, run_cli
from safetyhelper import links_cli
from safetyhelper.content import Link, load_content, shipped_content_dir
from safetyhelper.links import (
    USER_AGENT,
    UpdateError,
    check_links,
    exit_code,
    no_network,
    render_table,
    to_json,
    update_checked_dates,
)

OLD = dt.date(2025, 1, 2)
TODAY = dt.date.today()
FAST = dict(timeout=2.0, deadline=20.0, backoff=0.05)
URL_LINE = re.compile(r'^(\s*url\s*=\s*")https://[^"]*(")', re.M)
CHECKED_LINE = re.compile(r"^(\s*checked\s*=\s*)\d{4}-\d{2}-\d{2}", re.M)


def link(url: str, field: str = "privacy.url", file: str = "platforms/test.toml", title: str = "A guide") -> Link:
    return Link(url, title, OLD, file, field)


def one(url: str, **kw):
    (result,) = check_links([link(url)], **{**FAST, **kw})
    return result


def refused_port() -> int:
    """A port with nothing listening: bind it, note it, close it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requests_to(server: HTTPServer, path: str) -> list[str]:
    return [req.method for req, _ in server.log if req.path == path]


@pytest.fixture(scope="module")
def _threaded_server():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def threaded_server(_threaded_server):
    """A server that answers requests in parallel, for handlers that sleep; cleared for each test."""
    _threaded_server.clear()
    yield _threaded_server
    _threaded_server.clear()


def rewritten_pack(dest: Path, url_for) -> Path:
    """A copy of the whole shipped pack with every URL replaced by ``url_for(n)`` and old checked dates."""
    shutil.copytree(shipped_content_dir(), dest)
    n = 0
    for path in sorted(dest.rglob("*.toml")):
        text = path.read_text(encoding="utf-8")

        def repl(m: re.Match) -> str:
            nonlocal n
            n += 1
            return f"{m.group(1)}{url_for(n)}{m.group(2)}"

        text = URL_LINE.sub(repl, text)
        text = CHECKED_LINE.sub(lambda m: m.group(1) + OLD.isoformat(), text)
        path.write_text(text, encoding="utf-8")
    assert n > 40
    return dest


def serve_all(server: HTTPServer, **special: int) -> None:
    """Answer every /u/N path with 200, except the paths given (e.g. ``{"/u/3": 404}``)."""
    for path, status in special.items():
        server.expect_request(path).respond_with_data("", status=status)
    server.expect_request(re.compile(r"^/.*$")).respond_with_data("a page")


# --------------------------------------------------------------------------- single URLs


def test_200_is_ok_and_sends_an_honest_user_agent(httpserver):
    httpserver.expect_request("/ok").respond_with_data("hello")
    r = one(httpserver.url_for("/ok"))
    assert (r.status, r.http_status, r.final_url, r.reason) == ("ok", 200, None, None)
    (req, _), = httpserver.log
    assert req.method == "HEAD"
    assert req.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("safetyhelper/") and "link checker" in USER_AGENT


def test_301_to_a_200_reports_the_new_location(httpserver):
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new")})
    )
    httpserver.expect_request("/new").respond_with_data("here now")
    r = one(httpserver.url_for("/old"))
    assert r.status == "redirected"
    assert r.final_url == httpserver.url_for("/new")
    assert r.http_status == 200
    assert exit_code([r]) == 0


def test_a_redirect_that_only_adds_a_trailing_slash_is_ok(httpserver):
    httpserver.expect_request("/dir").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/dir/")})
    )
    httpserver.expect_request("/dir/").respond_with_data("index")
    r = one(httpserver.url_for("/dir"))
    assert (r.status, r.final_url) == ("ok", None)


def test_404_is_broken_with_its_status(httpserver):
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    r = one(httpserver.url_for("/gone"))
    assert (r.status, r.http_status, r.reason) == ("broken", 404, "HTTP 404 Not Found")
    assert requests_to(httpserver, "/gone") == ["HEAD"]  # no retry for a 404
    assert exit_code([r]) == 1


def test_500_then_200_is_retried_and_ok(httpserver):
    httpserver.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_request("/flaky").respond_with_data("fine")
    r = one(httpserver.url_for("/flaky"))
    assert (r.status, r.http_status) == ("ok", 200)
    assert requests_to(httpserver, "/flaky") == ["HEAD", "HEAD"]


def test_500_every_time_is_broken_after_the_retries(httpserver):
    httpserver.expect_request("/down").respond_with_data("oops", status=503)
    r = one(httpserver.url_for("/down"), retries=2)
    assert (r.status, r.http_status) == ("broken", 503)
    assert r.reason == "HTTP 503 Service Unavailable (after 2 retries)"
    assert len(requests_to(httpserver, "/down")) == 3


def test_429_waits_for_retry_after_then_ok(httpserver):
    httpserver.expect_oneshot_request("/busy").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "1"})
    )
    httpserver.expect_request("/busy").respond_with_data("fine")
    started = time.monotonic()
    r = one(httpserver.url_for("/busy"))
    waited = time.monotonic() - started
    assert r.status == "ok"
    assert waited >= 0.95, waited
    assert waited < 3


def test_retry_after_never_waits_past_the_deadline(httpserver):
    httpserver.expect_request("/later").respond_with_response(
        Response("come back tomorrow", status=429, headers={"Retry-After": "3600"})
    )
    started = time.monotonic()
    r = one(httpserver.url_for("/later"), deadline=1.0)
    assert time.monotonic() - started < 1.0
    assert (r.status, r.http_status) == ("broken", 429)


def test_head_405_falls_back_to_get(httpserver):
    httpserver.expect_request("/nohead", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request("/nohead", method="GET").respond_with_data("x" * 100_000)
    r = one(httpserver.url_for("/nohead"))
    assert (r.status, r.http_status) == ("ok", 200)
    assert requests_to(httpserver, "/nohead") == ["HEAD", "GET"]


def test_slower_than_the_timeout_is_unreachable(threaded_server):
    def slow(request: Request) -> Response:
        time.sleep(3.0)
        return Response("too late")

    threaded_server.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    r = one(threaded_server.url_for("/slow"), timeout=0.5)
    assert time.monotonic() - started < 2.5  # well before the 3 s answer: the timeout ended it
    assert r.status == "unreachable"
    assert r.reason == "timed out after 0.5 s"
    assert r.network_failure


def test_connection_refused_is_unreachable():
    r = one(f"http://127.0.0.1:{refused_port()}/page")
    assert (r.status, r.reason, r.http_status) == ("unreachable", "connection refused", None)
    assert no_network([r]) and exit_code([r]) == 2


def test_unknown_host_is_name_not_found():
    r = one("http://no-such-host.invalid/page")
    assert (r.status, r.reason) == ("unreachable", "name not found")


def test_the_overall_deadline_reports_the_rest_as_not_checked(threaded_server):
    def slow(request: Request) -> Response:
        time.sleep(3.0)
        return Response("late")

    threaded_server.expect_request(re.compile(r"^/late/\d+$")).respond_with_handler(slow)
    links = [link(threaded_server.url_for(f"/late/{i}"), field=f"guide[{i}].url") for i in range(4)]
    started = time.monotonic()
    results = check_links(links, timeout=5, deadline=0.6, workers=2)
    assert time.monotonic() - started < 2.5  # two rounds of 3 s otherwise
    assert [r.status for r in results] == ["unreachable"] * 4
    assert all(r.reason == "not checked: overall deadline passed" for r in results)
    # Running out of time is not the same as having no network.
    assert not no_network(results) and exit_code(results) == 1


def test_the_same_url_is_requested_once_and_reported_in_every_place(httpserver):
    httpserver.expect_request("/shared").respond_with_data("x")
    url = httpserver.url_for("/shared")
    places = [link(url, field="privacy.url"), link(url, file="guides.toml", field="guide[2].url", title="B")]
    seen = []
    results = check_links(places, **FAST, progress=lambda done, total, r: seen.append((done, total, r.url)))
    assert requests_to(httpserver, "/shared") == ["HEAD"]
    assert [(r.file, r.field, r.title, r.status) for r in results] == [
        ("platforms/test.toml", "privacy.url", "A guide", "ok"),
        ("guides.toml", "guide[2].url", "B", "ok"),
    ]
    assert seen == [(1, 1, url)]


def test_exit_codes_and_no_network():
    assert exit_code([]) == 0 and not no_network([])


# --------------------------------------------------------------------------- a content pack on the server


TESTPHONE = """\
name = "Test phone"

# A comment that must survive an update, byte for byte.
[location]
title = "Turn off location"
url = "{base}/ok"   # the page we link to
checked = 2025-01-02
unverified = "Not tried on a phone yet."
steps = ["Open Settings."]

[security]
title = "Lock your phone"
url = "{base}/gone"
checked = 2025-01-02  # left alone: the link is broken
unverified = "Not tried on a phone yet."
steps = ["Set a passcode."]

[privacy]
not_applicable = "Not in this test device."

[blocking]
not_applicable = "Not in this test device."

[reporting]
not_applicable = "Not in this test device."

[sharing]
not_applicable = "Not in this test device."

[phone]
not_applicable = "Not in this test device."
"""

GUIDES = """\
# General guides, pointing at the test server.

[[guide]]
id = "moved-guide"
title = "A guide that moved"
url = "{base}/moved"
checked = 2025-01-02
status = "ok"
about = "It redirects."

[[guide]]
id = "same-as-phone"
title = "The same page as the phone guide"
# The same URL as devices/testphone.toml location.url: requested once.
url = "{base}/ok"
checked = 2025-01-02
status = "check"
about = "Shared."
"""


@pytest.fixture
def local_pack(tmp_path, httpserver):
    """(base, override): the shipped pack rewritten to the test server, and an organisation folder."""
    base = rewritten_pack(tmp_path / "base", lambda n: httpserver.url_for(f"/u/{n}"))
    org = override_with(
        tmp_path / "org",
        {
            "devices/testphone.toml": TESTPHONE.format(base=httpserver.url_for("")[:-1]),
            "guides.toml": GUIDES.format(base=httpserver.url_for("")[:-1]),
        },
    )
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/moved").respond_with_response(
        Response(status=302, headers={"Location": httpserver.url_for("/new-home")})
    )
    serve_all(httpserver)
    return base, org


def test_a_pack_on_the_test_server(local_pack, httpserver):
    base, org = local_pack
    pack = load_content(org, base=base, allow_http=True)
    results = check_links(pack.links, **FAST)
    assert len(results) == len(pack.links)
    ours = {(Path(r.file).name, r.field): r for r in results if Path(r.file).is_relative_to(org)}
    assert ours[("testphone.toml", "location.url")].status == "ok"
    assert ours[("testphone.toml", "security.url")].http_status == 404
    assert ours[("guides.toml", "guide[0].url")].status == "redirected"
    assert ours[("guides.toml", "guide[0].url")].final_url == httpserver.url_for("/new-home")
    assert ours[("guides.toml", "guide[1].url")].status == "ok"
    assert requests_to(httpserver, "/ok") == ["HEAD"]
    assert {r.status for r in results if not Path(r.file).is_relative_to(org)} == {"ok"}
    assert exit_code(results) == 1

    table = render_table(results)
    assert str(org / "devices" / "testphone.toml") in table
    assert "REDIRECTED" in table and "now at " + httpserver.url_for("/new-home") in table
    assert "BROKEN 404" in table and "HTTP 404 Not Found" in table
    assert table.splitlines()[-3].startswith(f"Checked {len({l.url for l in pack.links})} different links")

    data = json.loads(to_json(results))
    assert len(data) == len(results)
    assert set(data[0]) == {"url", "file", "field", "title", "status", "http_status", "final_url", "reason", "elapsed_ms"}


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*.toml"))}


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    a, b = before.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True)
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


def test_update_rewrites_only_the_ok_checked_dates_and_keeps_comments(local_pack, tmp_path):
    base, org = local_pack
    phone = org / "devices" / "testphone.toml"
    phone.chmod(0o640)
    pack = load_content(org, base=base, allow_http=True)
    before = snapshot(tmp_path)
    results = check_links(pack.links, **FAST)
    changed = update_checked_dates(results, TODAY)
    after = snapshot(tmp_path)

    ok_per_file: dict[Path, int] = {}
    for r in results:
        if r.status == "ok":
            ok_per_file[Path(r.file)] = ok_per_file.get(Path(r.file), 0) + 1
    assert sorted(changed) == sorted(ok_per_file)
    for path in before:
        diff = changed_lines(before[path], after[path])
        assert len(diff) == ok_per_file.get(path, 0), path
        for old, new in diff:
            assert old.replace(OLD.isoformat(), TODAY.isoformat()) == new  # trailing comments kept
            assert re.match(r"\s*checked = ", old)
    # The broken and the redirected entries kept their dates; the comments are byte for byte the same.
    text = phone.read_text()
    assert f"checked = {TODAY.isoformat()}\n" in text
    assert "checked = 2025-01-02  # left alone: the link is broken\n" in text
    assert "\n# A comment that must survive an update, byte for byte.\n" in text
    assert 'url = "' in text and "# the page we link to" in text
    assert "checked = 2025-01-02" in (org / "guides.toml").read_text().split("[[guide]]")[1]
    assert (phone.stat().st_mode & 0o777) == 0o640
    assert not [p for p in tmp_path.rglob("*.tmp")]
    # Still a valid pack, with today's dates on the working links.
    again = load_content(org, base=base, allow_http=True)
    ok_urls = {r.url for r in results if r.status == "ok"}
    assert all(l.checked == TODAY for l in again.links if l.url in ok_urls)
    # A second run changes nothing.
    assert update_checked_dates(results, TODAY) == []


def test_update_leaves_a_file_it_cannot_rewrite_as_it_was(local_pack, tmp_path):
    base, org = local_pack
    pack = load_content(org, base=base, allow_http=True)
    results = check_links(pack.links, **FAST)
    phone = org / "devices" / "testphone.toml"
    phone.write_text(phone.read_text() + "\n[broken\n")  # changed (badly) after the check
    broken_bytes = phone.read_bytes()
    with pytest.raises(UpdateError) as info:
        update_checked_dates(results, TODAY)
    assert [p for p, _ in info.value.failures] == [phone]
    assert phone.read_bytes() == broken_bytes
    assert org / "guides.toml" in info.value.changed and len(info.value.changed) > 5
    assert not [p for p in tmp_path.rglob("*.tmp")]


# --------------------------------------------------------------------------- the command, in process


def parse(*argv: str) -> argparse.Namespace:
    content_opt = argparse.ArgumentParser(add_help=False)
    content_opt.add_argument("--content", metavar="DIR", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="safetyhelper")
    sub = parser.add_subparsers(dest="command")
    links_cli.add_parser(sub, content_opt)
    return parser.parse_args(argv)


def run_links(*argv: str) -> int:
    args = parse(*argv)
    return links_cli.run(args, getattr(args, "content", None))


@pytest.fixture
def full_pack(tmp_path, httpserver) -> Path:
    """An override folder replacing every shipped file, all URLs on the test server."""
    return rewritten_pack(tmp_path / "pack", lambda n: httpserver.url_for(f"/u/{n}"))


def test_run_all_ok_exits_0_with_a_table_and_plain_progress(full_pack, httpserver, capsys):
    serve_all(httpserver)
    assert run_links("links", "check", "--content", str(full_pack), "--allow-http", "--timeout", "2") == 0
    out, err = capsys.readouterr()
    assert "OK" in out and "0 broken, 0 unreachable" in out
    assert str(full_pack / "platforms" / "facebook.toml") in out
    assert re.search(r"^checked 1/\d+: http://\S+ ok$", err, re.M)


def test_run_one_broken_exits_1_and_json_parses(full_pack, httpserver, capsys):
    serve_all(httpserver, **{"/u/3": 404})
    assert run_links("links", "check", "--content", str(full_pack), "--allow-http", "--json") == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["http_status"] for d in data if d["status"] == "broken"] == [404]


def test_run_with_no_network_prints_one_line_and_exits_2(tmp_path, capsys):
    port = refused_port()
    pack = rewritten_pack(tmp_path / "pack", lambda n: f"http://127.0.0.1:{port}/u/{n}")
    assert run_links("links", "check", "--content", str(pack), "--allow-http") == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = [l for l in err.splitlines() if l.startswith("safetyhelper:")]
    assert len(lines) == 1
    assert re.fullmatch(
        r"safetyhelper: no network: none of the \d+ guide links could be reached \(this machine looks offline\)",
        lines[0],
    )


def test_run_update_prints_the_files_changed(full_pack, httpserver, capsys):
    serve_all(httpserver, **{"/u/1": 404})
    before = snapshot(full_pack)
    assert run_links("links", "check", "--content", str(full_pack), "--allow-http", "--update") == 1
    out = capsys.readouterr().out
    changed = [p for p in before if p.read_bytes() != before[p]]
    assert changed and "Updated the checked date" in out
    assert all(f"  {p}" in out for p in changed)


@pytest.mark.parametrize(
    "argv, message",
    [
        (("--timeout", "x"), "safetyhelper: --timeout: expected a number of seconds, got 'x'"),
        (("--deadline", "-3"), "safetyhelper: --deadline: expected a number of seconds above 0, got '-3'"),
        (("--timeout", "nan"), "safetyhelper: --timeout: expected a number of seconds above 0, got 'nan'"),
    ],
)
def test_run_bad_numbers_give_one_line_and_exit_2(argv, message, capsys):
    assert run_links("links", "check", *argv) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", message + "\n")


def test_the_progress_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = links_cli._Progress(stream)
    r = one("http://127.0.0.1:1/")  # any result will do
    bar(12, 51, r)
    bar(51, 51, r)
    bar.finish()
    text = stream.getvalue()
    assert text.startswith("\r[") and "] 12/51" in text and text.endswith("] 51/51\n")
    assert "#" * links_cli.BAR_WIDTH in text


# --------------------------------------------------------------------------- the real command


wired = pytest.mark.skipif(
    "links_cli" not in Path(safetyhelper.cli.__file__).read_text(),
    reason="`links` is not wired into cli.py yet",
)


@wired
def test_cli_exit_codes_0_and_1(full_pack, httpserver):
    serve_all(httpserver, **{"/u/5": 404})
    bad = run_cli("links", "check", "--content", str(full_pack), "--allow-http", "--timeout", "2")
    assert bad.returncode == 1, bad.stderr
    assert "BROKEN 404" in bad.stdout and "Traceback" not in bad.stderr
    httpserver.clear()
    serve_all(httpserver)
    good = run_cli("links", "check", "--content", str(full_pack), "--allow-http", "--json")
    assert good.returncode == 0, good.stderr
    assert {d["status"] for d in json.loads(good.stdout)} == {"ok"}


@wired
def test_cli_no_network_exit_2(tmp_path):
    port = refused_port()
    pack = rewritten_pack(tmp_path / "pack", lambda n: f"http://127.0.0.1:{port}/u/{n}")
    result = run_cli("links", "check", "--allow-http", "--timeout", "1", env={"SAFETYHELPER_CONTENT": str(pack)})
    assert result.returncode == 2
    assert result.stdout == ""
    assert [l for l in result.stderr.splitlines() if l.startswith("safetyhelper:")] == [
        f"safetyhelper: no network: none of the {len({l.url for l in load_content(pack, allow_http=True).links})} "
        "guide links could be reached (this machine looks offline)"
    ]


@wired
def test_cli_bad_timeout_and_http_in_the_shipped_pack(tmp_path):
    bad = run_cli("links", "check", "--timeout", "x")
    assert (bad.returncode, bad.stdout, bad.stderr) == (
        2,
        "",
        "safetyhelper: --timeout: expected a number of seconds, got 'x'\n",
    )
    # An http:// URL without the hidden test flag is a content error: one line, exit 2.
    org = override_with(tmp_path / "org", {"guides.toml": GUIDES.format(base="http://127.0.0.1:9")})
    result = run_cli("links", "check", "--content", str(org))
    assert result.returncode == 2
    assert result.stderr.startswith("safetyhelper: content error: ") and result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- the staff screen


async def test_link_check_screen_lists_every_link(tmp_path, httpserver):
    from textual.widgets import DataTable, ProgressBar

    from safetyhelper.tui.app import make_app
    from safetyhelper.tui.screens.links import LinkCheckScreen

    base = rewritten_pack(tmp_path / "pack", lambda n: httpserver.url_for(f"/u/{n}"))
    serve_all(httpserver, **{"/u/2": 404})
    pack = load_content(base=base, allow_http=True)
    broken_url = httpserver.url_for("/u/2")
    app = make_app(pack)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = LinkCheckScreen(timeout=2, deadline=20, backoff=0.05)
        await app.push_screen(screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.query_one(DataTable)
        assert table.row_count == len(pack.links)
        statuses = {}
        for i, l in enumerate(pack.links):
            cells = [c.plain for c in table.get_row(str(i))]
            statuses[l.url] = cells[0]
            assert cells[2] == l.title
        assert {u: s for u, s in statuses.items() if s != "OK"} == {broken_url: "Broken (404)"}
        bar = screen.query_one(ProgressBar)
        assert bar.progress == bar.total == len({l.url for l in pack.links})
        # Problems come first; the highlighted row is shown in full below the table.
        assert table.get_row_at(0)[0].plain == "Broken (404)"
        detail = str(screen.query_one("#links-detail").render())
        assert broken_url in detail and "HTTP 404 Not Found" in detail
        await pilot.press("b")
        assert not isinstance(app.screen, LinkCheckScreen)


async def test_leaving_the_screen_stops_the_check(tmp_path, threaded_server):
    from safetyhelper.tui.app import make_app
    from safetyhelper.tui.screens.links import LinkCheckScreen

    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response("slow page")

    threaded_server.expect_request(re.compile(r"^/u/\d+$")).respond_with_handler(slow)
    base = rewritten_pack(tmp_path / "pack", lambda n: threaded_server.url_for(f"/u/{n}"))
    app = make_app(load_content(base=base, allow_http=True))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = LinkCheckScreen(timeout=5, deadline=60)
        await app.push_screen(screen)
        await pilot.pause(0.2)
        started = time.monotonic()
        await pilot.press("b")
        await app.workers.wait_for_complete()
        # Seven rounds of 0.5 s remain; leaving stops the check at once (the requests in flight are let go).
        assert time.monotonic() - started < 2.0
        assert screen.results is None and not isinstance(app.screen, LinkCheckScreen)


def test_cancel_stops_check_links(threaded_server):
    def slow(request: Request) -> Response:
        time.sleep(0.4)
        return Response("slow page")

    threaded_server.expect_request(re.compile(r"^/c/\d+$")).respond_with_handler(slow)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    links = [link(threaded_server.url_for(f"/c/{i}"), field=f"guide[{i}].url") for i in range(20)]
    started = time.monotonic()
    results = check_links(links, timeout=5, workers=2, cancel=cancel)
    assert time.monotonic() - started < 2.0  # ten rounds of 0.4 s otherwise
    assert {r.reason for r in results} == {"not checked: cancelled"}
