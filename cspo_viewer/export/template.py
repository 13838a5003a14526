"""The deck's template: the organisation's own .pptx or .potx (slide size, masters,
fonts, footers), or python-pptx's default made 16:9; and the layouts the deck's
slides are built on, found by their placeholders' types, never by their names (a
template in another language names "Title Only" otherwise).

A template that cannot serve is refused with one sentence before anything is drawn:
missing, not a presentation, password-protected, or without a layout holding a title.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_viewer.errors import UserError

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import SlideLayout

DEFAULT_SLIDE = (12_192_000, 6_858_000)
"""EMU of python-pptx's default deck once made 16:9 (13.333 x 7.5 in)."""
TEMPLATE_SUFFIXES = (".pptx", ".potx")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""An encrypted (password-protected) Office file is an OLE compound file, not a zip."""
_POTX_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PPTX_MAIN = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_FURNITURE = {"DATE", "FOOTER", "SLIDE_NUMBER"}
"""Placeholder types a layout may hold besides its title and still be "Title Only"."""


@dataclass(frozen=True)
class DeckBase:
    """An empty presentation and the two layouts the deck uses."""

    deck: Presentation
    title_only: SlideLayout  # with a title placeholder (the timeline slide)
    title_content: SlideLayout  # with a title and a body: event slides (may be title_only)
    from_template: bool


def slide_size(deck: Presentation) -> tuple[int, int]:
    """The slides' width and height in EMU (``open_base`` always sets them)."""
    width, height = deck.slide_width, deck.slide_height
    assert width is not None and height is not None
    return int(width), int(height)


def check_template(path: Path) -> None:
    """The cheap checks, before any drawing: the file is there and is a presentation."""
    _template_bytes(path)


def open_base(path: Path | None) -> DeckBase:
    """The presentation to build on, emptied of any slides the template carries."""
    from pptx import Presentation
    from pptx.util import Emu

    if path is None:
        deck = Presentation()
        deck.slide_width, deck.slide_height = (Emu(n) for n in DEFAULT_SLIDE)
    else:
        payload = _template_bytes(path)
        try:
            deck = Presentation(io.BytesIO(payload))
        except Exception:  # python-pptx raises KeyError, ValueError, XML errors...
            raise UserError(f"the template {path} is not a PowerPoint presentation") from None
        _drop_slides(deck)
    title_only = find_layout(deck, body=False)
    if title_only is None:
        raise UserError(
            f"the template {path} has no slide layout with a title placeholder; "
            "add a Title Only layout to its master"
        )
    title_content = find_layout(deck, body=True) or title_only
    return DeckBase(deck, title_only, title_content, path is not None)


def _template_bytes(path: Path) -> bytes:
    """The template as a .pptx package (a .potx's main part declared as a presentation)."""
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise UserError(f"the template {path} is not a .pptx or .potx file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"the template {path} does not exist") from None
    except IsADirectoryError:
        raise UserError(f"the template {path} is a folder, not a presentation") from None
    except OSError as exc:
        raise UserError(f"cannot read the template {path}: {exc.strerror}") from None
    if raw.startswith(_OLE_MAGIC):
        raise UserError(
            f"the template {path} is password-protected; save a copy without a password"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            names = set(package.namelist())
            types = package.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
            if "ppt/presentation.xml" not in names or not types:
                raise zipfile.BadZipFile
            if _POTX_MAIN not in types:
                return raw
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                for info in package.infolist():
                    data = package.read(info.filename)
                    if info.filename == "[Content_Types].xml":
                        data = data.replace(_POTX_MAIN, _PPTX_MAIN)
                    copy.writestr(info, data)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError, EOFError):
        raise UserError(f"the template {path} is not a PowerPoint presentation") from None


def _drop_slides(deck) -> None:
    """A template's own example slides are not part of a briefing."""
    ids = deck.slides._sldIdLst  # python-pptx has no public call to remove a slide
    for sld_id in list(ids):
        deck.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def placeholder_types(layout) -> list[str]:
    """The names of the placeholder types a layout holds ("TITLE", "BODY", ...)."""
    return [ph.placeholder_format.type.name for ph in layout.placeholders]


def _is_vertical(placeholder) -> bool:
    body = placeholder._element.find(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}txBody"
    )
    if body is None:
        return False
    pr = body.find("{http://schemas.openxmlformats.org/drawingml/2006/main}bodyPr")
    return pr is not None and pr.get("vert", "horz") not in ("horz", "")


def find_layout(deck, *, body: bool):
    """The first layout with a title placeholder and, with ``body``, exactly one body or
    content placeholder running horizontally ("Title and Content"); without it, nothing
    else but date, footer and slide number ("Title Only"). ``None`` if there is none."""
    for layout in deck.slide_layouts:
        types = placeholder_types(layout)
        if "TITLE" not in types:
            continue
        rest = [t for t in types if t != "TITLE" and t not in _FURNITURE]
        if not body and not rest:
            return layout
        if body and rest in (["BODY"], ["OBJECT"]):
            content = next(
                ph
                for ph in layout.placeholders
                if ph.placeholder_format.type.name in ("BODY", "OBJECT")
            )
            if not _is_vertical(content):
                return layout
    if not body:  # a title and something else: still a slide with a title
        for layout in deck.slide_layouts:
            if {"TITLE", "CENTER_TITLE"} & set(placeholder_types(layout)):
                return layout
    return None
