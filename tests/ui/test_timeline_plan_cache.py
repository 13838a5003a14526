"""The timeline keeps its layout while only the selection or the pointer changes, and
works it out again when the view moves: a click or a hover repaints at once, whatever the
event count."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import cspo_viewer.render.timeline_item as timeline_item


@pytest.fixture
def plans(monkeypatch) -> list[object]:
    """Each layout the timeline works out from here on (its ``plan_view`` calls)."""
    calls: list[object] = []
    real = timeline_item.plan_view

    def counted(*args, **kwargs):
        plan = real(*args, **kwargs)
        calls.append(plan)
        return plan

    monkeypatch.setattr(timeline_item, "plan_view", counted)
    return calls


def test_selecting_keeps_the_layout_and_panning_redoes_it(window, qtbot, plans):
    view = window.timeline
    view.viewport().repaint()
    drawn = view.item.frame.plan
    plans.clear()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)  # select the first event, as a reader does
    view.viewport().repaint()
    selected = window.controller.selected
    assert selected is not None and window.event_list.selected_id() == selected
    assert view.item.frame.plan is drawn and plans == []  # selected without a new layout
    qtbot.mouseMove(view.viewport(), view.viewport().rect().center())
    view.viewport().repaint()
    assert plans == []  # nor does the pointer moving over it
    x0, x1 = view.plot.x_range()
    qtbot.keyClick(view, Qt.Key.Key_Plus)  # zoom in
    view.viewport().repaint()
    assert len(plans) == 1 and view.item.frame.plan is plans[0]
    assert view.item.frame.plan.viewport.x1 - view.item.frame.plan.viewport.x0 < x1 - x0
    span = view.plot.x_range()
    view.plot.getViewBox().setXRange(span[0] + 30, span[1] + 30, padding=0)  # a pan
    view.viewport().repaint()
    assert len(plans) == 2
    assert view.item.frame.plan.viewport.x0 == pytest.approx(span[0] + 30)


def test_pinning_an_event_lays_the_timeline_out_again(window, qtbot, plans):
    """A pinned event's label is placed before all others: a pin is a layout input."""
    view = window.timeline
    view.viewport().repaint()
    plans.clear()
    event_id = str(window.controller.table.ids[0])
    window.controller.toggle_pin(event_id)
    view.viewport().repaint()
    assert plans and view.item.frame.plan is plans[-1]
    assert 0 in view.item.frame.plan.named()
