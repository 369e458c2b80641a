"""Pure policy values that config sets and the planner obeys: score resets and deletion."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResetScores(Frozen):
    enabled: bool = False
    except_names: tuple[str, ...] = ()
    except_patterns: tuple[str, ...] = ()


class DeletePolicy(Frozen):
    """What syncd may delete. Everything is off by default.

    `custom_formats`: delete CFs syncd owns (ownership state) that the config no longer wants
    (Recyclarr `delete_old_custom_formats`). `unmanaged_custom_formats`: delete every server CF
    not managed, except `unmanaged_ignore` names (Configarr `delete_unmanaged_custom_formats`).
    `quality_profiles`/`unmanaged_quality_profiles`: the same for profiles; a profile in use is
    never deleted.
    """

    custom_formats: bool = False
    unmanaged_custom_formats: bool = False
    unmanaged_custom_formats_ignore: tuple[str, ...] = ()
    quality_profiles: bool = False
    unmanaged_quality_profiles: bool = False
    unmanaged_quality_profiles_ignore: tuple[str, ...] = ()
    # At most this many deletes per plan of the instance; None = the default threshold
    # (see `syncd.plan.deletes`).
    max_deletes: int | None = None
