"""Allow ``python -m cspo_viewer``."""

from cspo_viewer.cli import main

raise SystemExit(main())
