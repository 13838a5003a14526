"""cspo-viewer: a desktop timeline of the Combined Space Operations (CSpO) Initiative."""

__version__ = "0.1.0"
