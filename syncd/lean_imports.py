"""Start-up: keeps two libraries syncd needs from importing optional extras syncd never uses.

Both import heavy modules at import time only because they happen to be installed:

* httpx imports its command-line client (`httpx._main`: click, rich, pygments) whenever click
  is installed, and apprise depends on click, so it always is;
* structlog's `structlog.dev` imports rich (and through rich's tracebacks, pygments) for
  pretty tracebacks whenever rich is installed; syncd's console lines use plain tracebacks
  (`syncd.logs`), and syncd's own terminal output imports rich only when it draws something.

Marking those modules absent while the library is imported makes it take its "not installed"
path, which both libraries support. `skip_unused_extras` runs before the commands import either
library (`syncd.cli`); it changes nothing once they are imported, so it is safe to call twice.
"""

from __future__ import annotations

import sys


def skip_unused_extras() -> None:
    """Import structlog without rich, and let httpx skip its command-line client."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    sys.modules["rich"] = None  # type: ignore[assignment]
    try:
        import structlog  # noqa: F401  (imported here, with rich hidden, for everyone after)
    finally:
        del sys.modules["rich"]
