"""Where the repository and the test fixtures are, for test modules at any depth."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
