from __future__ import annotations

from syncd.desired.diagnostics import Diagnostics

from .conftest import at


def test_diagnostics_name_location_instance_and_severity() -> None:
    diags = Diagnostics("sonarr.main")
    diags.error(at(12), "bad thing")
    diags.warning(at(3), "odd thing")
    assert [str(d) for d in diags.items] == [
        "config.yml:12: error: sonarr.main: bad thing",
        "config.yml:3: warning: sonarr.main: odd thing",
    ]
