"""Pure policy values that config sets and the planner obeys: score resets and deletion."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResetScores(Frozen):
    enabled: bool = False
    except_names: tuple[str, ...] = ()
    except_patterns: tuple[str, ...] = ()


class SectionDelete(Frozen):
    """What may be deleted of one kind (by its config section): objects syncd owns that the
    config no longer wants (`owned`), objects it never managed (`unmanaged`) except `ignore`."""

    owned: bool = False
    unmanaged: bool = False
    ignore: tuple[str, ...] = ()


class DeletePolicy(Frozen):
    """What syncd may delete of one instance. Everything is off by default.

    `custom_formats`: delete CFs syncd owns (ownership state) that the config no longer wants
    (Recyclarr `delete_old_custom_formats`). `unmanaged_custom_formats`: delete every server CF
    not managed, except `unmanaged_ignore` names (Configarr `delete_unmanaged_custom_formats`).
    `quality_profiles`/`unmanaged_quality_profiles`: the same for profiles; a profile in use is
    never deleted. Every other kind is keyed by its config section: `owned` lists the sections
    whose syncd-owned objects go once the config drops them, `unmanaged` the sections whose
    objects syncd never managed go too, except the names listed (syncd format:
    `delete: {tags: true, unmanaged_tags: {enabled: true, ignore: [keep]}}`).
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
    # Every other kind, by its config section (`tags`, `root_folders`, `download_clients`, ...).
    owned: tuple[str, ...] = ()
    unmanaged: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)

    def rule_for(self, section: str) -> SectionDelete:
        """What may be deleted of the kind configured under `section` (nothing by default)."""
        if section == "custom_formats":
            return SectionDelete(
                owned=self.custom_formats,
                unmanaged=self.unmanaged_custom_formats,
                ignore=self.unmanaged_custom_formats_ignore,
            )
        if section == "quality_profiles":
            return SectionDelete(
                owned=self.quality_profiles,
                unmanaged=self.unmanaged_quality_profiles,
                ignore=self.unmanaged_quality_profiles_ignore,
            )
        return SectionDelete(
            owned=section in self.owned,
            unmanaged=section in self.unmanaged,
            ignore=self.unmanaged.get(section, ()),
        )
