"""cspo-viewer: a desktop timeline of the Combined Space Operations (CSpO) Initiative."""

__version__ = "0.1.0"
PRODUCT_NAME = "CSpO Viewer"
"""The one name of the product: window title, About, desktop entry and README."""
DESKTOP_ID = "cspo-viewer"
"""The desktop entry's file name without ``.desktop``, also the icon's name and what the
window gives Qt as its desktop file name."""
