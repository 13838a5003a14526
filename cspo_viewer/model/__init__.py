"""The window's state without Qt: what the timeline, the list, the export and the tests
share (see ``session``)."""
