"""What python-pptx has no public call for, done once for the deck and the editable
slide: a shape's alt text and its place in the z-order."""

from __future__ import annotations

from cspo_viewer.model.event_text import plain


def describe(shape, description: str) -> None:
    """The shape's alt text (``descr``: what PowerPoint's Alt Text pane and a screen
    reader show)."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", plain(description))


def send_to_back(slide, shape) -> None:
    """Behind every other shape (the title placeholder must be drawn over the picture)."""
    # z-order is XML order, and python-pptx has no call for it
    tree = slide.shapes._spTree
    tree.remove(shape._element)
    tree.insert(2, shape._element)  # after the group's own nvGrpSpPr and grpSpPr
