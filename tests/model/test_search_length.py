"""A long search text costs measurements in proportion to the lines drawn, not to its
length: export --search with 24 KB of words took 20 s in the subtitle's wrapping."""

from __future__ import annotations

from cspo_viewer.data.filters import EventFilter, fts_query
from cspo_viewer.model.page import wrap_words


def test_subtitle_of_a_24_kb_search_is_wrapped_with_few_measurements():
    text = EventFilter(text=" ".join(f"word{i}" for i in range(3000))[:24000]).describe()
    widths: list[int] = []

    def fits(line: str) -> bool:
        widths.append(len(line))
        return len(line) <= 150

    lines = wrap_words(text, fits, 2)
    assert len(lines) == 2 and lines[-1].endswith("…") and len(lines[-1]) <= 150
    assert sum(widths) < 100 * 24000  # each measurement reads its text: bounded work


def test_search_parsing_is_linear_in_terms():
    query = fts_query(" ".join(f"w{i}" for i in range(5000)))
    assert query is not None and query.count('"*') == 5000
