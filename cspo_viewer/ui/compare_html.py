"""The compare dialog's rich text for one side, built from escaped pieces (no widgets).

Each sentence is its own paragraph, marked by how it relates to the other side: shared
(plain), changed (its differing words highlighted) or only here (tinted). The marks differ
in more than colour (a bar, underline, bold) so they also read in greyscale and for
colour-blind readers. Every database string goes through ``rich_text``; the only tags
are ours.
"""

from __future__ import annotations

from collections.abc import Callable

from cspo_viewer.data.compare import EventComparison, Sentence, sentence_key
from cspo_viewer.data.records import Quote
from cspo_viewer.ui.rich_text import inline

SHOWN_SENTENCES = 2_000
"""Sentences drawn per side; a longer text says how many more there are."""

ONLY_BG = "rgba(86, 180, 233, 0.30)"  # sky blue (Okabe-Ito), tinted
WORD_BG = "rgba(230, 159, 0, 0.55)"  # orange (Okabe-Ito)
ONLY_BAR = "#0072B2"


def compare_css(muted: str) -> str:
    return f"""
        p {{ margin-top: 0px; margin-bottom: 7px; line-height: 135%; }}
        .muted {{ color: {muted}; }}
        .caption {{ color: {muted}; font-size: small; font-weight: 600;
                    margin-top: 14px; margin-bottom: 6px; }}
        .only {{ background-color: {ONLY_BG}; }}
        .word {{ background-color: {WORD_BG}; text-decoration: underline; font-weight: 600; }}
        .mark {{ color: {muted}; font-family: monospace; }}
        .quote {{ font-style: italic; margin-bottom: 2px; }}
        .who {{ color: {muted}; font-size: small; margin-bottom: 8px; }}
    """


MARKS = {"shared": "=", "changed": "~", "only": "+"}
"""A leading sign per sentence, as in the CLI: the mark survives copy and greyscale."""


def sentence_html(s: Sentence) -> str:
    mark = f'<span class="mark">{MARKS[s.status]}</span> '
    if s.status == "changed" and s.pieces:
        body = "".join(
            f'<span class="word">{inline(p.text)}</span>' if p.differs else inline(p.text)
            for p in s.pieces
        )
        return f"<p>{mark}{body}</p>"
    if s.status == "only":
        return f'<p>{mark}<span class="only">{inline(s.text)}</span></p>'
    return f"<p>{mark}{inline(s.text)}</p>"


def legend_html() -> str:
    return (
        '<span class="mark">=</span> in both · '
        '<span class="mark">~</span> near-identical, <span class="word">words</span> '
        "the other lacks · "
        '<span class="mark">+</span> <span class="only">only in this one</span>'
    )


def side_html(
    c: EventComparison,
    side: str,
    nation_name: Callable[[str], str],
    theme_label: Callable[[str], str],
) -> str:
    """Side ``"a"`` or ``"b"``: its text marked sentence by sentence, then the nations and
    themes only it has, then its quotes."""
    own = c.text.a if side == "a" else c.text.b
    only = "only_a" if side == "a" else "only_b"
    detail = c.a if side == "a" else c.b
    caption = "STATEMENT TEXT" if c.basis == "statement_text" else "SUMMARY"
    if c.basis != "statement_text" and not detail.statement_text:
        caption += " (no statement text)"
    parts = [f'<p class="caption">{caption}</p>']
    parts += [sentence_html(s) for s in own[:SHOWN_SENTENCES]]
    if len(own) > SHOWN_SENTENCES:
        parts.append(f'<p class="muted">… {len(own) - SHOWN_SENTENCES:,} more sentences.</p>')
    if not own:
        parts.append('<p class="muted">No text to compare.</p>')

    nations = sorted(nation_name(n) for n in getattr(c.nations, only))
    themes = sorted(theme_label(t) for t in getattr(c.themes, only))
    for title, names in (("NATIONS ONLY HERE", nations), ("THEMES ONLY HERE", themes)):
        parts.append(f'<p class="caption">{title}</p>')
        shown = ", ".join(inline(n) for n in names) if names else "—"
        parts.append(f'<p class="{"only" if names else "muted"}">{shown}</p>')

    quotes = detail.quotes
    shared = {sentence_key(q.text) for q in c.quotes.shared}
    parts.append('<p class="caption">QUOTES</p>')
    if not quotes:
        parts.append('<p class="muted">No quotes recorded.</p>')
    parts += [_quote(q, nation_name, sentence_key(q.text) in shared) for q in quotes]
    return "".join(parts)


def _quote(q: Quote, nation_name: Callable[[str], str], shared: bool) -> str:
    who = [f"— {inline(q.speaker)}"]
    if q.role:
        who.append(f", {inline(q.role)}")
    if q.nation_code:
        who.append(f" ({inline(nation_name(q.nation_code))})")
    if shared:
        who.append(" · also quoted by the other event")
    return f'<p class="quote">“{inline(q.text)}”</p><p class="who">{"".join(who)}</p>'


def counts_text(c: EventComparison) -> str:
    """One plain line of counts for the dialog's header."""
    t = c.text
    return (
        f"{len(t.shared)} shared · {len(t.changed)} near-identical · "
        f"{len(t.only_a)} only in A · {len(t.only_b)} only in B"
    )


def shared_sets_text(
    c: EventComparison, nation_name: Callable[[str], str], theme_label: Callable[[str], str]
) -> str:
    """Plain text: what both events have (the sides show what each has alone)."""
    nations = ", ".join(sorted(nation_name(n) for n in c.nations.shared)) or "none"
    themes = ", ".join(sorted(theme_label(t) for t in c.themes.shared)) or "none"
    return f"Both: nations {nations}; themes {themes}."
