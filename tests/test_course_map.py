"""The course map in notebook 00: every title and question shown whole."""

from __future__ import annotations

from html import escape

from qianhai.course import LESSONS, course_map
from qianhai.display import setup


def test_course_map_shows_titles_and_questions_whole():
    """A student saw "…the claims we wil..." : pandas' display cut cells at 60 characters (setup's option)."""
    setup()
    shown = course_map()
    # The longest texts, counted by hand: notebook 07's question is 77 characters, notebook 00's title 63.
    long_texts = [x.question for x in LESSONS if len(x.question) > 60] + [x.title for x in LESSONS if len(x.title) > 60]
    assert "How do economists tell a zone's effect from what would have happened anyway?" in long_texts
    html, plain = shown._repr_html_(), repr(shown)
    for text in long_texts:
        assert escape(text, quote=False) in html, text
        assert text in plain, text
    assert "..." not in html and "..." not in plain
