"""One module per command group; each has ``register(subparsers)`` and run functions.

``cli.py`` assembles them. Keeping a command's options next to its code means a change to
``export`` touches only ``commands/export.py``.
"""
