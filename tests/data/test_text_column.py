"""``TextColumn``: a table's ids and labels, kept as SQLite's bytes and decoded a row at a
time, read the same as a list of the texts would, however the table is reordered, cut or
added to."""

from __future__ import annotations

import numpy as np

from cspo_viewer.data.text_column import TextColumn

TEXTS = ["Ottawa", "Ōtautahi ➜ Wellington", "", "nul\x00inside", "last"]


def stored(texts: list[str], shown=None) -> TextColumn:
    data = "".join(texts).encode()
    return TextColumn.from_bytes(data, np.array([len(t.encode()) for t in texts]), shown=shown)


def test_each_row_reads_its_own_text_multibyte_and_nul_included():
    column = stored(TEXTS)
    assert len(column) == len(TEXTS)
    assert [column[i] for i in range(len(TEXTS))] == TEXTS
    assert column.tolist() == TEXTS and list(column) == TEXTS
    assert np.asarray(column).tolist() == TEXTS
    assert column[np.array([4, 1])].tolist() == ["last", TEXTS[1]]
    assert column[1:3].tolist() == TEXTS[1:3]


def test_only_the_rows_read_are_decoded():
    column = stored(TEXTS)
    assert column[0] == "Ottawa"
    assert "array" not in column.__dict__  # one row asked for: the whole column is not made


def test_reordering_cutting_and_adding_rows_moves_texts_with_them():
    column = stored(TEXTS)
    taken = column.take(np.array([3, 0, 4]))
    assert taken.tolist() == [TEXTS[3], TEXTS[0], TEXTS[4]]
    grown = taken.insert(np.array([1, 3]), TextColumn.of(["new one", "new two"]))
    assert grown.tolist() == [TEXTS[3], "new one", TEXTS[0], TEXTS[4], "new two"]
    assert grown.take(np.array([4, 1])).tolist() == ["new two", "new one"]


def test_what_is_shown_applies_to_stored_and_added_rows_alike():
    column = stored(["a\u202eb"], shown=lambda t: t.replace("\u202e", "[U+202E]"))
    grown = column.insert(np.array([0]), TextColumn.of(["x\u202ey"]))
    assert grown.tolist() == ["x[U+202E]y", "a[U+202E]b"]
    assert grown[1] == "a[U+202E]b"
