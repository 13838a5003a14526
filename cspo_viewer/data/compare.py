"""Two events side by side: their statement sentences, nations, themes and quotes (no Qt).

"What changed in what they say?" is a question a CSpO brief always meets. The answer is
built in three steps that a reader can check by eye:

1. Each text is split into sentences (``split_sentences``), robust to the abbreviations of
   this domain ("U.S.", "Dec. 5", "Gen.", "e.g."), numbered and bulleted lists, and
   paragraphs.
2. Sentences with the same words (ignoring case, spacing, curly versus straight quotes,
   dashes and a list number) are *shared*.
3. Of the rest, each sentence of A is paired with the sentence of B most like it when
   their word sequences are at least ``NEAR_IDENTICAL`` alike (difflib's
   ``SequenceMatcher.ratio``), best pairs first; a pair is *changed* and carries its word
   differences. What is left is *only in A* or *only in B*.

Events without a statement text compare their summaries (our own words) instead, and the
comparison says so in ``note``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from cspo_viewer.data.dates import date_with_precision
from cspo_viewer.data.records import EventDetail, Quote

NEAR_IDENTICAL = 0.6
"""Least ``SequenceMatcher.ratio`` of two sentences' word sequences to pair them as one
sentence changed. The ratio is 2·(words in common, in order) / (words in both), so 0.6
means well over half of the words line up: a sentence with a few words reworded stays
above it (one word changed in twenty scores 0.95), while two different sentences that share
stock phrases ("the CSpO Initiative", "in and through space") score far below it."""

MAX_TEXT_CHARS = 200_000
"""Characters of each text compared. A long statement runs to a few pages (the 2024
Florence statement is under 4,000 characters); a database may hold megabytes in the
field, and the rest beyond this is left out of the comparison, which says so."""

MAX_PAIRING_SENTENCES = 200
"""Unmatched sentences per side considered for pairing. Pairing compares every such
sentence of A with every one of B; a database may hold a book-length "statement", so
beyond this many the rest are listed as only in one, and the note says pairing stopped."""

MAX_RATIO_CALLS = 10_000
"""Full ``SequenceMatcher.ratio`` computations per comparison (the cheap upper bounds
``real_quick_ratio`` and ``quick_ratio`` rule most pairs out first). Texts whose every
sentence is like every other (a hostile or machine-made text) would otherwise need one per
pair; past the budget pairing stops and the note says so."""

MAX_PAIRING_WORDS = 2_000
"""Sentences longer than this many words are never paired (only matched exactly):
SequenceMatcher's work grows with the square of the length."""

# Words that end with a full stop without ending a sentence (lower case, without the stop).
# fmt: off
TITLE_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "hon", "rt", "rev", "gen", "lt", "col",
    "maj", "capt", "cpt", "cmdr", "cdr", "adm", "sgt", "brig", "gov", "sen", "rep", "amb",
    "pres", "vs", "cf", "approx",
})
# fmt: on
"""Always an abbreviation: a rank or title goes before a name ("Gen. Dickinson")."""

# fmt: off
NUMBER_ABBREVIATIONS = frozenset({
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "no", "nos", "vol", "vols", "fig", "figs", "p", "pp", "para", "paras", "art", "arts",
    "sec", "ch",
})
# fmt: on
"""An abbreviation when a number follows ("Dec. 5", "No. 3", "para. 4"); otherwise the
stop may end the sentence ("... met in Dec. The Principals ...")."""

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LIST_LINE = re.compile(r"\n[ \t]*(?=(?:[-–•*▪◦]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxlc]+\))\s)")
_LIST_MARKER = re.compile(r"^(?:[-–•*▪◦]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxlc]+\))\s+")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")  # "U.S" / "e.g" before the stop
_LIST_NUMBER = re.compile(r"^\(?(?:\d{1,3}|[a-zA-Z]|[ivxlc]+)$")  # "1", "(2", "a", "iv"
_LOOK_BACK = 64  # characters before a stop that decide whether it ends a sentence
_NEXT_CHAR = re.compile(r"\s*(\S)")
_TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]")
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})


# --- sentences ----------------------------------------------------------------------
def split_sentences(text: str | None) -> list[str]:
    """``text`` as sentences, whitespace collapsed, in reading order.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets)
    followed by space and a word that does not start in lower case, except after an
    abbreviation (``TITLE_ABBREVIATIONS``, and ``NUMBER_ABBREVIATIONS`` before a number),
    an initialism ("U.S.", "e.g."), a single capital
    (an initial) or a list number at the start of a sentence ("1. "). A blank line, and a
    line that starts with a list marker, always start a new sentence.
    """
    if not text:
        return []
    out: list[str] = []
    for block in _PARAGRAPH.split(text):
        for line in _LIST_LINE.split(block):
            out.extend(_split_run(line))
    return out


def _split_run(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _ends_sentence(text, start, m):
            _keep(sentences, text[start : m.end()])
            start = m.end()
    _keep(sentences, text[start:])
    return sentences


def _ends_sentence(text: str, start: int, m: re.Match[str]) -> bool:
    """Each test looks only near the stop (never at the whole text), so a huge text is
    split in linear time."""
    after = _NEXT_CHAR.match(text, m.end())
    following = after.group(1) if after else ""
    if following.islower():
        return False
    if not m.group().startswith("."):
        return True
    before = text[max(start, m.start() - _LOOK_BACK) : m.start()]
    last = before.rsplit(None, 1)
    if not last:
        return False
    word = last[-1].lstrip("([\"'“‘")
    lower = word.lower()
    if lower in TITLE_ABBREVIATIONS or _INITIALISM.match(word):
        return False
    if lower in NUMBER_ABBREVIATIONS and following.isdigit():
        return False
    if len(word) == 1 and word.isupper():
        return False
    # "1." or "b." opening a sentence is a list number, not a sentence of its own.
    alone = m.start() - start <= _LOOK_BACK and len(text[start : m.start()].split(None, 1)) == 1
    return not (alone and _LIST_NUMBER.match(word))


def _keep(sentences: list[str], piece: str) -> None:
    piece = _SPACE.sub(" ", piece).strip()
    if piece:
        sentences.append(piece)


def sentence_key(sentence: str) -> str:
    """What two sentences must share to count as the same sentence: the words, ignoring
    case, spacing, typographic quotes and dashes, and a leading list number or bullet."""
    folded = unicodedata.normalize("NFKC", sentence).translate(_FOLD).casefold()
    return _SPACE.sub(" ", _LIST_MARKER.sub("", folded)).strip()


def _tokens(sentence: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(sentence))


def _fold_tokens(tokens: Sequence[re.Match[str]]) -> list[str]:
    return [unicodedata.normalize("NFKC", t.group()).translate(_FOLD).casefold() for t in tokens]


# --- results ------------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """A run of words of a changed pair: in both (``equal``), or only in one side."""

    op: str  # "equal" | "only_a" | "only_b"
    text: str
    space_before: bool = True  # the source had a space before it (for plain-text output)

    def as_json(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass(frozen=True)
class Piece:
    """Part of one side's sentence as written; ``differs`` marks words the other lacks."""

    text: str
    differs: bool


@dataclass(frozen=True)
class ChangedPair:
    """Two near-identical sentences and their word-level differences."""

    a: str
    b: str
    a_index: int
    b_index: int
    similarity: float
    diff: tuple[Segment, ...]
    a_pieces: tuple[Piece, ...]
    b_pieces: tuple[Piece, ...]

    def words(self, side: str) -> list[str]:
        """The runs of words only one side has (``side`` is "only_a" or "only_b")."""
        return [s.text for s in self.diff if s.op == side]

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "similarity": round(self.similarity, 3),
            "only_a_words": self.words("only_a"),
            "only_b_words": self.words("only_b"),
            "diff": [s.as_json() for s in self.diff],
        }


@dataclass(frozen=True)
class Sentence:
    """One sentence of one side in reading order, marked for the side-by-side view."""

    text: str
    status: str  # "shared" | "changed" | "only"
    partner: int | None = None  # index of the matching sentence on the other side
    pieces: tuple[Piece, ...] = ()  # for "changed": the text split at the differences


@dataclass(frozen=True)
class TextComparison:
    a: tuple[Sentence, ...]
    b: tuple[Sentence, ...]
    changed: tuple[ChangedPair, ...]
    pairing_limited: bool = False
    clipped: bool = False  # a text was longer than MAX_TEXT_CHARS; its end is not compared

    @property
    def shared(self) -> list[str]:
        """Shared sentences in A's order (as A words them; B's differ at most in case,
        spacing and typography)."""
        return [s.text for s in self.a if s.status == "shared"]

    @property
    def only_a(self) -> list[str]:
        return [s.text for s in self.a if s.status == "only"]

    @property
    def only_b(self) -> list[str]:
        return [s.text for s in self.b if s.status == "only"]


def compare_texts(text_a: str | None, text_b: str | None) -> TextComparison:
    """Sentences of two texts: shared, changed (near-identical pairs) and only in one."""
    clipped = len(text_a or "") > MAX_TEXT_CHARS or len(text_b or "") > MAX_TEXT_CHARS
    a = split_sentences((text_a or "")[:MAX_TEXT_CHARS])
    b = split_sentences((text_b or "")[:MAX_TEXT_CHARS])
    a_partner: dict[int, int] = {}
    unused_b: dict[str, deque[int]] = defaultdict(deque)
    for j, sentence in enumerate(b):
        unused_b[sentence_key(sentence)].append(j)
    for i, sentence in enumerate(a):
        waiting = unused_b.get(sentence_key(sentence))
        if waiting:
            a_partner[i] = waiting.popleft()
    b_partner = {j: i for i, j in a_partner.items()}
    rest_a = [i for i in range(len(a)) if i not in a_partner]
    rest_b = [j for j in range(len(b)) if j not in b_partner]
    limited = len(rest_a) > MAX_PAIRING_SENTENCES or len(rest_b) > MAX_PAIRING_SENTENCES
    pairs, stopped = _pair(a, b, rest_a[:MAX_PAIRING_SENTENCES], rest_b[:MAX_PAIRING_SENTENCES])
    limited = limited or stopped
    changed = tuple(sorted(pairs, key=lambda p: p.a_index))
    a_changed = {p.a_index: p for p in changed}
    b_changed = {p.b_index: p for p in changed}

    def side(
        sentences: list[str], partner: dict[int, int], changes: dict[int, ChangedPair], is_a: bool
    ) -> tuple[Sentence, ...]:
        out = []
        for i, text in enumerate(sentences):
            if i in partner:
                out.append(Sentence(text, "shared", partner[i]))
            elif i in changes:
                p = changes[i]
                other, pieces = (p.b_index, p.a_pieces) if is_a else (p.a_index, p.b_pieces)
                out.append(Sentence(text, "changed", other, pieces))
            else:
                out.append(Sentence(text, "only"))
        return tuple(out)

    return TextComparison(
        side(a, a_partner, a_changed, True),
        side(b, b_partner, b_changed, False),
        changed,
        limited,
        clipped,
    )


def _pair(
    a: list[str], b: list[str], rest_a: list[int], rest_b: list[int]
) -> tuple[list[ChangedPair], bool]:
    """Best pairs first: every candidate pair at or above ``NEAR_IDENTICAL``, taken in
    order of similarity while both sentences are still free. Also says whether the
    ``MAX_RATIO_CALLS`` budget stopped the search early."""
    tokens_a = {i: _tokens(a[i]) for i in rest_a}
    tokens_b = {j: _tokens(b[j]) for j in rest_b}
    folded_a = {i: _fold_tokens(t) for i, t in tokens_a.items() if len(t) <= MAX_PAIRING_WORDS}
    folded_b = {j: _fold_tokens(t) for j, t in tokens_b.items() if len(t) <= MAX_PAIRING_WORDS}
    candidates: list[tuple[float, int, int]] = []
    matcher = SequenceMatcher(autojunk=False)
    calls = 0
    stopped = False
    for j, words_b in folded_b.items():
        matcher.set_seq2(words_b)  # SequenceMatcher caches facts about its second sequence
        for i, words_a in folded_a.items():
            matcher.set_seq1(words_a)
            if matcher.real_quick_ratio() < NEAR_IDENTICAL:
                continue
            if matcher.quick_ratio() < NEAR_IDENTICAL:
                continue
            calls += 1
            ratio = matcher.ratio()
            if ratio >= NEAR_IDENTICAL:
                candidates.append((ratio, i, j))
        if calls >= MAX_RATIO_CALLS:
            stopped = True
            break
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    pairs = []
    for ratio, i, j in candidates:
        if i in taken_a or j in taken_b:
            continue
        taken_a.add(i)
        taken_b.add(j)
        pairs.append(_changed(a[i], b[j], i, j, ratio, tokens_a[i], tokens_b[j]))
    return pairs, stopped


def _changed(
    a: str,
    b: str,
    i: int,
    j: int,
    ratio: float,
    ta: list[re.Match[str]],
    tb: list[re.Match[str]],
) -> ChangedPair:
    ops = SequenceMatcher(None, _fold_tokens(ta), _fold_tokens(tb), autojunk=False).get_opcodes()
    diff: list[Segment] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            diff.append(Segment("equal", _span(a, ta, i1, i2), _space_before(a, ta, i1)))
            continue
        if i2 > i1:
            diff.append(Segment("only_a", _span(a, ta, i1, i2), _space_before(a, ta, i1)))
        if j2 > j1:
            space = _space_before(b, tb, j1) if i2 == i1 else False
            diff.append(Segment("only_b", _span(b, tb, j1, j2), space))
    a_pieces = _pieces(a, ta, [(i1, i2, tag != "equal") for tag, i1, i2, _, _ in ops])
    b_pieces = _pieces(b, tb, [(j1, j2, tag != "equal") for tag, _, _, j1, j2 in ops])
    return ChangedPair(a, b, i, j, ratio, tuple(diff), a_pieces, b_pieces)


def _span(text: str, tokens: list[re.Match[str]], start: int, stop: int) -> str:
    return text[tokens[start].start() : tokens[stop - 1].end()]


def _space_before(text: str, tokens: list[re.Match[str]], index: int) -> bool:
    at = tokens[index].start()
    return at > 0 and text[at - 1].isspace()


def _pieces(
    text: str, tokens: list[re.Match[str]], runs: Iterable[tuple[int, int, bool]]
) -> tuple[Piece, ...]:
    """The whole sentence cut into runs, the space between runs kept as unmarked text."""
    out: list[Piece] = []
    pos = 0
    for start, stop, differs in runs:
        if stop <= start:
            continue
        begin, end = tokens[start].start(), tokens[stop - 1].end()
        if begin > pos:
            out.append(Piece(text[pos:begin], False))
        out.append(Piece(text[begin:end], differs))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:], False))
    return tuple(out)


# --- nations, themes, quotes ----------------------------------------------------------
@dataclass(frozen=True)
class SetComparison:
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    shared: tuple[str, ...]

    def as_json(self) -> dict[str, list[str]]:
        return {
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "shared": list(self.shared),
        }


def compare_sets(a: Iterable[str], b: Iterable[str]) -> SetComparison:
    """Values of each side the other lacks, and those in both, in each side's order."""
    la, lb = list(dict.fromkeys(a)), list(dict.fromkeys(b))
    sa, sb = set(la), set(lb)
    return SetComparison(
        tuple(x for x in la if x not in sb),
        tuple(x for x in lb if x not in sa),
        tuple(x for x in la if x in sb),
    )


@dataclass(frozen=True)
class QuoteComparison:
    """Quotes of each event; a quote whose words both events record is shared."""

    only_a: tuple[Quote, ...]
    only_b: tuple[Quote, ...]
    shared: tuple[Quote, ...]


def compare_quotes(a: Sequence[Quote], b: Sequence[Quote]) -> QuoteComparison:
    keys_b = {sentence_key(q.text) for q in b}
    keys_a = {sentence_key(q.text) for q in a}
    return QuoteComparison(
        tuple(q for q in a if sentence_key(q.text) not in keys_b),
        tuple(q for q in b if sentence_key(q.text) not in keys_a),
        tuple(q for q in a if sentence_key(q.text) in keys_b),
    )


def quote_json(q: Quote) -> dict[str, Any]:
    return {"speaker": q.speaker, "role": q.role, "nation_code": q.nation_code, "text": q.text}


# --- two events -----------------------------------------------------------------------
STATEMENT = "statement_text"
SUMMARY = "summary"


@dataclass(frozen=True)
class EventComparison:
    a: EventDetail
    b: EventDetail
    basis: str  # STATEMENT or SUMMARY: which texts were compared
    note: str  # one sentence saying what was compared, for every output
    text: TextComparison
    nations: SetComparison
    themes: SetComparison
    quotes: QuoteComparison

    def as_json(self) -> dict[str, Any]:
        """The ``compare --json`` object."""
        t = self.text
        return {
            "a": event_json(self.a),
            "b": event_json(self.b),
            "compared": self.basis,
            "note": self.note,
            "only_a": t.only_a,
            "only_b": t.only_b,
            "shared": t.shared,
            "changed": [p.as_json() for p in t.changed],
            "nations": self.nations.as_json(),
            "themes": self.themes.as_json(),
            "quotes": {
                "only_a": [quote_json(q) for q in self.quotes.only_a],
                "only_b": [quote_json(q) for q in self.quotes.only_b],
                "shared": [quote_json(q) for q in self.quotes.shared],
            },
        }


def event_json(d: EventDetail) -> dict[str, Any]:
    row = d.row
    return {
        "id": row.id,
        "title": row.title,
        "date": row.date,
        "date_precision": row.date_precision,
        "end_date": row.end_date,
        "when": date_with_precision(row.date, row.date_precision, row.end_date),
        "has_statement_text": bool(d.statement_text and d.statement_text.strip()),
    }


def compare_events(a: EventDetail, b: EventDetail) -> EventComparison:
    """Compare two events' statement texts when both have one, else their summaries."""
    has_a = bool(a.statement_text and a.statement_text.strip())
    has_b = bool(b.statement_text and b.statement_text.strip())
    if has_a and has_b:
        basis = STATEMENT
        text = compare_texts(a.statement_text, b.statement_text)
        note = "Compared: the two statement texts, sentence by sentence."
    else:
        basis = SUMMARY
        text = compare_texts(a.summary, b.summary)
        lacking = [d.row.id for d, has in ((a, has_a), (b, has_b)) if not has]
        which = (
            f"{lacking[0]} has no statement text"
            if len(lacking) == 1
            else "Neither event has a statement text"
        )
        note = (
            f"{which}, so their summaries (written for this record, not the nations' "
            "words) and their quotes are compared instead."
        )
    if text.clipped:
        note += (
            f" Only the first {MAX_TEXT_CHARS:,} characters of each text are compared;"
            " the rest is not shown here."
        )
    if text.pairing_limited:
        note += (
            " The texts are too long to search every pair of sentences: some sentences "
            "listed as only in one may have a near-identical partner in the other."
        )
    return EventComparison(
        a,
        b,
        basis,
        note,
        text,
        compare_sets(a.row.nations, b.row.nations),
        compare_sets(a.row.themes, b.row.themes),
        compare_quotes(a.quotes, b.quotes),
    )


def plain_diff(
    pair: ChangedPair, removed: Callable[[str], str], added: Callable[[str], str]
) -> str:
    """One line of a changed pair with its differences marked (``[-old-]{+new+}`` in the
    CLI, the ``wdiff`` and ``git diff --word-diff`` convention)."""
    out: list[str] = []
    for seg in pair.diff:
        text = {"only_a": removed, "only_b": added}.get(seg.op, lambda s: s)(seg.text)
        out.append((" " if out and seg.space_before else "") + text)
    return "".join(out)
