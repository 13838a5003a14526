"""The launcher explains a missing display or missing xcb libraries instead of aborting."""

from __future__ import annotations

import ctypes.util

import pytest

from cspo_viewer.errors import UserError
from cspo_viewer.ui import app


@pytest.fixture
def linux_x11(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(app.sys, "platform", "linux")
    return monkeypatch


def test_missing_xcb_libraries_name_the_apt_line(linux_x11):
    linux_x11.setattr(
        ctypes.util,
        "find_library",
        lambda name: None if name in ("xcb-cursor", "xcb-icccm") else "lib.so",
    )
    with pytest.raises(UserError) as err:
        app.choose_platform(screenshot=False)
    assert "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4\n" in str(err.value)


def test_screenshot_falls_back_to_offscreen(linux_x11):
    linux_x11.setattr(ctypes.util, "find_library", lambda name: None)
    app.choose_platform(screenshot=True)
    assert app.os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_no_display_is_explained(linux_x11):
    linux_x11.delenv("DISPLAY")
    with pytest.raises(UserError, match="no display found"):
        app.choose_platform(screenshot=False)


def test_all_libraries_present_starts_xcb(linux_x11):
    linux_x11.setattr(ctypes.util, "find_library", lambda name: "lib.so")
    app.choose_platform(screenshot=False)
    assert "QT_QPA_PLATFORM" not in app.os.environ
