"""What a sync's message says, by level: pure `compose` over hand-built reports."""

from __future__ import annotations

from syncd.config.model import NotifyLevel
from syncd.daemon.notify import MAX_ADDRESSES, Memory, compose
from syncd.daemon.report import ChangeLine, InstanceReport, SyncReport

CF = ChangeLine(action="create", address='sonarr.main.custom_format["BR-DISK"]')


def report(*instances: InstanceReport, result: str = "success", error: str | None = None) -> SyncReport:
    return SyncReport(
        run_id="r1", result=result, plan_only=False, error=error, guide_revision="abc", instances=instances
    )


def test_a_converged_sync_tells_nothing_at_any_level() -> None:
    quiet = report(InstanceReport(address="sonarr.main", result="success"))
    for level in NotifyLevel:
        assert compose(quiet, level, Memory()) is None


def test_applied_changes_are_below_the_errors_level() -> None:
    applied = report(InstanceReport(address="sonarr.main", result="success", applied=(CF,)))
    assert compose(applied, NotifyLevel.ERRORS, Memory()) is None
    message = compose(applied, NotifyLevel.CHANGES, Memory())
    assert message is not None
    assert message.title == "syncd: 1 applied"
    assert message.body == (
        'sync r1: success, guides abc\n\nsonarr.main: 1 applied\n  + sonarr.main.custom_format["BR-DISK"]'
    )


def test_skipped_and_stopped_syncs_only_at_all() -> None:
    skipped = report(result="skipped", error="the state lock is held by syncd apply")
    assert compose(skipped, NotifyLevel.CHANGES, Memory()) is None
    message = compose(skipped, NotifyLevel.ALL, Memory())
    assert message is not None
    assert "the sync was skipped: the state lock is held by syncd apply" in message.body


def test_a_failed_sync_is_told_once_until_it_recovers() -> None:
    memory = Memory()
    failed = report(result="failed", error="cannot fetch the guides")
    first = compose(failed, NotifyLevel.ERRORS, memory)
    assert first is not None and "the sync failed: cannot fetch the guides" in first.body
    assert compose(failed, NotifyLevel.ERRORS, memory) is None
    assert compose(report(), NotifyLevel.ERRORS, memory) is None
    assert compose(failed, NotifyLevel.ERRORS, memory) is not None  # failing again after recovery


def test_a_changed_error_is_told_again_and_long_lists_are_cut() -> None:
    memory = Memory()
    many = tuple(ChangeLine(action="update", address=f"sonarr.main.x[{i}]") for i in range(40))
    one = InstanceReport(address="sonarr.main", result="failed", error="timeout", applied=many)
    assert compose(report(one, result="failed"), NotifyLevel.ERRORS, memory) is not None
    other = InstanceReport(address="sonarr.main", result="failed", error="401 Unauthorized")
    message = compose(report(other, result="failed"), NotifyLevel.ERRORS, memory)
    assert message is not None and "401 Unauthorized" in message.body
    full = compose(report(one, result="failed"), NotifyLevel.CHANGES, Memory())
    assert full is not None
    assert full.body.count("\n  ~ sonarr.main.x[") == MAX_ADDRESSES
    assert f"… and {40 - MAX_ADDRESSES} more" in full.body
