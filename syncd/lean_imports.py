"""Start-up: what importing the commands' modules costs beyond the code itself.

Two libraries syncd needs import optional extras syncd never uses, only because they happen to
be installed:

* httpx imports its command-line client (`httpx._main`: click, rich, pygments) whenever click
  is installed, and apprise depends on click, so it always is;
* structlog's `structlog.dev` imports rich (and through rich's tracebacks, pygments) for
  pretty tracebacks whenever rich is installed; syncd's console lines use plain tracebacks
  (`syncd.logs`), and syncd's own terminal output imports rich only when it draws something.

Marking those modules absent while the library is imported makes it take its "not installed"
path, which both libraries support. `skip_unused_extras` does it for httpx before the commands
import it (`syncd.cli`); it changes nothing once httpx is imported, so it is safe to call twice.
`syncd.logger` does it for structlog, which it imports only when a line is logged.

Loading the commands' modules creates tens of thousands of objects (modules, classes,
functions, pydantic schemas) that live as long as the process. The garbage collector would scan
them on each full collection while they load, on every full collection after, and once more at
exit: about a fifth of a no-op `syncd plan`'s CPU time. `loading_for_good` pauses collection
while they load and then freezes them (`gc.freeze`), so no later collection scans them again.

A command that runs once and exits (all but the daemon) then runs with collection paused
(`collection_paused`): the cyclic garbage it leaves is small (a no-op plan: some 300 objects,
no more memory at its peak) and is collected at exit, while collecting it as it came cost ~5 ms
of such a plan, rescanning the objects the command keeps (the guide catalog, the replies).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def skip_unused_extras() -> None:
    """Let httpx skip its command-line client (structlog's rich: `syncd.logger`)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


@contextmanager
def loading_for_good() -> Iterator[None]:
    """Import what the block imports without garbage collection, then freeze every object
    alive (the modules just loaded) out of all later collections.

    Only the first use in a process freezes: later ones (tests calling `syncd.cli.main` again)
    find the modules loaded and would only freeze their own garbage."""
    if gc.get_freeze_count():
        yield
        return
    with collection_paused():
        try:
            yield
        finally:
            gc.freeze()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Run the block without garbage collection; collection is as it was afterwards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
