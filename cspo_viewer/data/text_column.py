"""A column of texts, one per table row, decoded only when a row is asked for.

The timeline at 100,000 events names a few dozen of them and the list shows a screenful,
yet turning every id and title into a Python string up front was most of what opening
such a database cost. SQLite hands the whole column over as one run of UTF-8 bytes with
the length of each text (``group_concat``), which is checked as UTF-8 in one pass; a row's
text is then sliced and decoded when it is read. Anything that wants every text (a
vectorised comparison, a sort) gets the whole column as a numpy array, made once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any, overload

import numpy as np


class TextColumn:
    """Texts in table-row order; ``column[i]`` is row ``i``'s text.

    Backed either by a list (``of``) or by one run of encoded bytes and each text's end
    offset (``from_bytes``), with ``rows`` choosing which stored text each row shows, so
    reordering or filtering the table moves integers, not texts. ``shown`` is applied to
    each text as it is read (the timeline's labels pass ``clean_text``).
    """

    def __init__(
        self,
        *,
        texts: Sequence[str] | None = None,
        data: bytes = b"",
        ends: np.ndarray | None = None,
        rows: np.ndarray | None = None,
        added: tuple[str, ...] = (),
        shown: Callable[[str], str] | None = None,
    ) -> None:
        self._texts = texts
        self._data = data
        self._ends = ends if ends is not None else np.zeros(0, dtype=np.int64)
        self._base = len(texts) if texts is not None else len(self._ends)
        self._added = added  # texts put in by ``insert``, stored after the base ones
        self._rows = rows if rows is not None else np.arange(self._base, dtype=np.int64)
        self._shown = shown

    @classmethod
    def of(
        cls, texts: Sequence[str] | np.ndarray, shown: Callable[[str], str] | None = None
    ) -> TextColumn:
        """A column holding ``texts`` as they are."""
        return cls(texts=[str(t) for t in texts], shown=shown)

    @classmethod
    def from_bytes(
        cls, data: bytes, lengths: np.ndarray, shown: Callable[[str], str] | None = None
    ) -> TextColumn:
        """A column over ``data``, the UTF-8 texts end to end, ``lengths`` bytes each."""
        return cls(data=data, ends=np.cumsum(lengths, dtype=np.int64), shown=shown)

    def __len__(self) -> int:
        return len(self._rows)

    def _stored(self, item: int) -> str:
        text = self._raw(item)
        return self._shown(text) if self._shown is not None else text

    def _raw(self, item: int) -> str:
        if item >= self._base:
            text = self._added[item - self._base]
        elif self._texts is not None:
            text = self._texts[item]
        else:
            start = int(self._ends[item - 1]) if item else 0
            text = self._data[start : int(self._ends[item])].decode("utf-8")
        return text

    @overload
    def __getitem__(self, row: int | np.integer[Any]) -> str: ...
    @overload
    def __getitem__(self, row: slice | np.ndarray | list[int]) -> np.ndarray: ...
    def __getitem__(self, row: Any) -> Any:
        if isinstance(row, int | np.integer):
            return self._stored(int(self._rows[row]))
        if "array" in self.__dict__:
            return self.array[row]
        return self._decoded(self._rows[row])

    def __iter__(self) -> Iterator[str]:
        return iter(self.array.tolist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.array if dtype is None else self.array.astype(dtype)

    def tolist(self) -> list[str]:
        return list(self.array.tolist())

    @cached_property
    def array(self) -> np.ndarray:
        """Every row's text, as a numpy object array (made once, on first use)."""
        return self._decoded(self._rows)

    def _decoded(self, items: np.ndarray) -> np.ndarray:
        out = np.empty(len(items), dtype=object)
        out[:] = [self._stored(item) for item in items.tolist()]
        return out

    def take(self, rows: np.ndarray) -> TextColumn:
        """The column of a table made of these rows of this one, in this order."""
        taken = self._with(self._rows[rows], self._added)
        if "array" in self.__dict__:
            taken.__dict__["array"] = self.array[rows]
        return taken

    def insert(self, at: np.ndarray, new: TextColumn) -> TextColumn:
        """The column with ``new``'s rows put in before rows ``at`` (as ``np.insert``): an
        edit's few new rows, kept beside the stored texts, so nothing else is decoded."""
        texts = [new._raw(item) for item in new._rows.tolist()]
        first = self._base + len(self._added)
        items = np.arange(first, first + len(texts), dtype=np.int64)
        return self._with(np.insert(self._rows, at, items), (*self._added, *texts))

    def _with(self, rows: np.ndarray, added: tuple[str, ...]) -> TextColumn:
        return TextColumn(
            texts=self._texts,
            data=self._data,
            ends=self._ends,
            rows=rows,
            added=added,
            shown=self._shown,
        )
