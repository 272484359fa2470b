"""The session and QR domain: plain Python, no Textual."""

from __future__ import annotations

import datetime as dt

import pytest

from safetyhelper.content import load_content
from safetyhelper.qr import QUIET_ZONE, half_block_rows, qr_matrix, terminal_size
from safetyhelper.session import Outcome, Session
from screen_qr import decode_matrix

PACK = load_content()


def test_outcomes_and_case_note_hold_no_personal_details():
    s = Session(PACK, started=dt.date(2026, 3, 5))
    s.choose(["instagram", "facebook", "iphone"])
    assert s.chosen == ["facebook", "instagram", "iphone"]  # the pack's order
    s.record("public", Outcome.DONE)
    s.record("location", Outcome.NOT_NOW)
    s.record("security", Outcome.AT_HOME)
    note = s.case_note()
    assert note.splitlines()[0] == "Online safety session, 5 March 2026."
    assert "Facebook, Instagram, iPhone" in note
    assert "Not now (could be noticed)" in note and "not covered" in note
    assert "Put off because a change could be noticed:" in note
    assert [i.id for i in s.to_take_home()] == ["location", "security"]
    assert not s.complete


def test_guides_for_an_item_follow_its_topics_for_each_chosen_platform():
    s = Session(PACK)
    s.choose(["x", "android"])
    tools = next(i for i in PACK.items if i.id == "safety-tools")
    got = [(g.platform.id, g.guide.topic) for g in s.guides_for(tools)]
    assert got == [("x", "blocking"), ("x", "reporting")]  # Android has no blocking/reporting guide
    location = next(i for i in PACK.items if i.id == "location")
    assert [(g.platform.id, g.guide.topic) for g in s.guides_for(location)] == [("x", "location"), ("android", "location")]


def test_wipe_forgets_everything():
    s = Session(PACK)
    s.choose(["facebook"])
    s.record("public", Outcome.DONE)
    s.wipe()
    assert s.is_empty and s.chosen == [] and s.outcomes == {}


def test_unknown_ids_are_refused():
    s = Session(PACK)
    with pytest.raises(ValueError):
        s.choose(["myspace"])
    with pytest.raises(ValueError):
        s.record("nope", Outcome.DONE)


def test_every_guide_url_makes_a_matrix_that_decodes_to_itself():
    for link in PACK.links:
        m = qr_matrix(link.url)
        assert len(m) == len(m[0]) and len(m) <= 53, link.url
        assert not any(m[0]) and not any(row[0] for row in m)  # light quiet zone
        assert decode_matrix(m) == [link.url]


def test_matrix_is_cached_and_half_blocks_cover_it():
    url = PACK.links[0].url
    assert qr_matrix(url) is qr_matrix(url)
    m = qr_matrix(url)
    cols, rows = terminal_size(m)
    cells = half_block_rows(m)
    assert len(cells) == rows and len(cells[0]) == cols
    assert cells[0][0] == (False, False)
    assert terminal_size(m, 2) == (2 * cols, len(m))
    assert QUIET_ZONE == 4


def test_each_wipe_starts_a_new_generation():
    s = Session(PACK)
    first = s.generation
    s.choose(["x"])
    s.wipe()
    assert s.generation == first + 1
