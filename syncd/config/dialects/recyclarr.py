"""The Recyclarr v8 dialect: `recyclarr.yml` files turned into normalized instances. Pure: no I/O.

Recyclarr is strict (unknown keys are errors) and so is this reader. Its meanings: `preferred_ratio`
interpolates linearly, `delete_old_custom_formats` deletes only CFs syncd owns,
`custom_format_groups` is `{skip, add}`, `min_upgrade_format_score` sits on the profile, and an
omitted `base_url`/`api_key` is read from the secret `<instance>_base_url`/`<instance>_api_key`.
The section readers here are reused by the syncd dialect, whose shape is Recyclarr's plus extras.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, cast

from pydantic import SecretStr

from syncd.config.dialects import (
    SERVICES,
    UNSUPPORTED_SERVICES,
    Document,
    InstanceNode,
    check_keys,
    fail,
    get_bool,
    get_float,
    get_int,
    get_list,
    get_map,
    get_str,
    get_str_list,
    get_trash_refs,
    instance_nodes,
    list_maps,
    type_name,
    warn_unsupported_services,
)
from syncd.config.model import (
    CfGroupsConfig,
    CfGroupSelection,
    CustomFormatEntry,
    DeletePolicy,
    InstanceConfig,
    MediaManagementConfig,
    MediaNamingConfig,
    QualityDefinitionConfig,
    QualityEntry,
    QualityProfileConfig,
    QualitySizeOverride,
    ResetScores,
    ScoreTarget,
    Service,
    TrashRef,
    UpgradeConfig,
)
from syncd.config.yamlfile import YamlMap

INSTANCE_KEYS = frozenset(
    {
        "base_url",
        "api_key",
        "include",
        "custom_formats",
        "custom_format_groups",
        "quality_profiles",
        "quality_definition",
        "delete_old_custom_formats",
        "media_naming",
        "media_management",
    }
)
PROFILE_KEYS = frozenset(
    {
        "trash_id",
        "name",
        "reset_unmatched_scores",
        "upgrade",
        "min_format_score",
        "min_upgrade_format_score",
        "score_set",
        "quality_sort",
        "qualities",
    }
)
PROPERS_AND_REPACKS = ("prefer_and_upgrade", "do_not_upgrade", "do_not_prefer")
NAMING_KEYS: dict[Service, frozenset[str]] = {
    "sonarr": frozenset({"series", "season", "episodes"}),
    "radarr": frozenset({"folder", "movie"}),
}

# How `!secret`-style names are looked up for the implicit base_url/api_key.
SecretLookup = Callable[[str], str | None]


def read_document(document: YamlMap) -> Document:
    """The instances of a Recyclarr file (only `sonarr:` and `radarr:` are allowed at the top)."""
    check_keys(document, (*SERVICES, *UNSUPPORTED_SERVICES), strict=True, where="the top level")
    warn_unsupported_services(document)
    return Document(
        instances=tuple(
            InstanceNode(service, name, node)
            for service in SERVICES
            for name, node in instance_nodes(document, service)
        )
    )


def parse_instance(inst: InstanceNode, *, secret: SecretLookup) -> InstanceConfig:
    """One merged Recyclarr instance (includes already applied) as an `InstanceConfig`."""
    node = inst.node
    where = f"{inst.service} instance {inst.name!r}"
    check_keys(node, INSTANCE_KEYS, strict=True, where=where)
    base_url, api_key = connection(inst, secret=secret)
    return InstanceConfig(
        service=inst.service,
        name=inst.name,
        base_url=base_url,
        api_key=api_key,
        custom_formats=custom_formats(node),
        custom_format_groups=custom_format_groups(node),
        quality_profiles=tuple(
            quality_profile(p) for p in list_maps(get_list(node, "quality_profiles"), "quality_profiles")
        ),
        quality_definition=quality_definition(node, allowed_extra=()),
        media_naming=media_naming(node, inst.service),
        media_management=media_management(node, allowed_extra=()),
        delete=_delete_policy(node),
        origin=node.origin,
    )


def connection(inst: InstanceNode, *, secret: SecretLookup) -> tuple[str, SecretStr]:
    """`base_url` and `api_key`, falling back to the implicit `<instance>_base_url`/`_api_key` secrets."""
    values: list[str] = []
    for key in ("base_url", "api_key"):
        value = get_str(inst.node, key) or secret(f"{inst.name}_{key}")
        if not value:
            fail(
                inst.node.origin,
                f"{inst.service} instance {inst.name!r} needs {key!r} "
                f"(or a secret named {inst.name + '_' + key!r})",
            )
        values.append(value)
    return values[0].rstrip("/"), SecretStr(values[1])


def _delete_policy(node: YamlMap) -> DeletePolicy:
    # Recyclarr deletes only the CFs it created or adopted: syncd's owned CFs.
    return DeletePolicy(custom_formats=bool(get_bool(node, "delete_old_custom_formats")))


def custom_formats(node: YamlMap, *, extra_target_keys: Iterable[str] = ()) -> tuple[CustomFormatEntry, ...]:
    entries = []
    for entry in list_maps(get_list(node, "custom_formats"), "custom_formats"):
        check_keys(
            entry, ("trash_ids", "score", "assign_scores_to"), strict=True, where="a custom_formats entry"
        )
        entries.append(
            CustomFormatEntry(
                trash_ids=get_trash_refs(entry, "trash_ids"),
                assign_scores_to=score_targets(entry, "assign_scores_to", extra_keys=extra_target_keys),
                score=get_int(entry, "score"),
                origin=entry.origin,
            )
        )
    return tuple(entries)


def score_targets(node: YamlMap, key: str, *, extra_keys: Iterable[str] = ()) -> tuple[ScoreTarget, ...]:
    targets = []
    for target in list_maps(get_list(node, key), key):
        check_keys(target, ("name", "trash_id", "score", *extra_keys), strict=True, where=f"an {key} entry")
        name, trash_id = get_str(target, "name"), get_str(target, "trash_id")
        if (name is None) == (trash_id is None):
            fail(target.origin, f"an {key} entry needs exactly one of 'name' or 'trash_id'")
        targets.append(
            ScoreTarget(
                name=name, profile_trash_id=trash_id, score=get_int(target, "score"), origin=target.origin
            )
        )
    return tuple(targets)


def custom_format_groups(node: YamlMap) -> CfGroupsConfig:
    groups = get_map(node, "custom_format_groups")
    if groups is None:
        return CfGroupsConfig()
    check_keys(groups, ("skip", "add"), strict=True, where="custom_format_groups")
    selections = []
    for add in list_maps(get_list(groups, "add"), "custom_format_groups.add"):
        check_keys(
            add,
            ("trash_id", "assign_scores_to", "select_all", "select", "exclude"),
            strict=True,
            where="a custom_format_groups.add entry",
        )
        trash_id = get_str(add, "trash_id")
        if not trash_id:
            fail(add.origin, "a custom_format_groups.add entry needs 'trash_id'")
        selections.append(
            CfGroupSelection(
                trash_id=TrashRef(trash_id=trash_id, origin=add.origin_of("trash_id")),
                assign_scores_to=score_targets(add, "assign_scores_to"),
                select=get_trash_refs(add, "select") if add.get("select") is not None else None,
                exclude=get_trash_refs(add, "exclude"),
                select_all=bool(get_bool(add, "select_all")),
                origin=add.origin,
            )
        )
    return CfGroupsConfig(skip=get_trash_refs(groups, "skip"), add=tuple(selections))


def quality_profile(node: YamlMap, *, extra_keys: Iterable[str] = ()) -> QualityProfileConfig:
    """A Recyclarr-shaped profile; `extra_keys` are read by the caller (syncd's `language`)."""
    check_keys(node, (*PROFILE_KEYS, *extra_keys), strict=True, where="a quality profile")
    trash_id = get_str(node, "trash_id")
    name = get_str(node, "name")
    if not trash_id and not name:
        fail(node.origin, "a quality profile needs 'name' or 'trash_id'")
    upgrade = get_map(node, "upgrade") or YamlMap(node.origin)
    check_keys(upgrade, ("allowed", "until_quality", "until_score"), strict=True, where="upgrade")
    return QualityProfileConfig(
        name=name,
        trash_id=TrashRef(trash_id=trash_id, origin=node.origin_of("trash_id")) if trash_id else None,
        reset_unmatched_scores=reset_scores(node, strict=True),
        upgrade=UpgradeConfig(
            allowed=get_bool(upgrade, "allowed"),
            until_quality=get_str(upgrade, "until_quality"),
            until_score=get_int(upgrade, "until_score"),
        ),
        min_format_score=get_int(node, "min_format_score"),
        min_upgrade_format_score=get_int(node, "min_upgrade_format_score"),
        score_set=get_str(node, "score_set"),
        quality_sort=quality_sort(node),
        qualities=quality_entries(node),
        origin=node.origin,
    )


def reset_scores(node: YamlMap, *, strict: bool) -> ResetScores:
    reset = get_map(node, "reset_unmatched_scores")
    if reset is None:
        return ResetScores()
    check_keys(reset, ("enabled", "except", "except_patterns"), strict=strict, where="reset_unmatched_scores")
    return ResetScores(
        enabled=bool(get_bool(reset, "enabled")),
        except_names=get_str_list(reset, "except"),
        except_patterns=get_str_list(reset, "except_patterns"),
    )


def quality_sort(node: YamlMap) -> Literal["top", "bottom"]:
    value = (get_str(node, "quality_sort") or "top").lower()
    if value not in ("top", "bottom"):
        fail(node.origin_of("quality_sort"), "quality_sort must be 'top' or 'bottom'")
    return cast(Literal["top", "bottom"], value)


def quality_entries(node: YamlMap) -> tuple[QualityEntry, ...] | None:
    if node.get("qualities") is None:
        return None
    entries = []
    for entry in list_maps(get_list(node, "qualities"), "qualities"):
        check_keys(entry, ("name", "enabled", "qualities"), strict=True, where="a qualities entry")
        name = get_str(entry, "name")
        if not name:
            fail(entry.origin, "a qualities entry needs 'name'")
        enabled = get_bool(entry, "enabled")
        entries.append(
            QualityEntry(
                name=name,
                enabled=enabled is not False,
                qualities=get_str_list(entry, "qualities"),
                origin=entry.origin,
            )
        )
    return tuple(entries)


def quality_definition(
    node: YamlMap, *, allowed_extra: Iterable[str], ratio_mode: Literal["linear", "piecewise"] = "linear"
) -> QualityDefinitionConfig | None:
    definition = get_map(node, "quality_definition")
    if definition is None:
        return None
    check_keys(
        definition,
        ("type", "preferred_ratio", "qualities", *allowed_extra),
        strict=True,
        where="quality_definition",
    )
    overrides = []
    for entry in list_maps(get_list(definition, "qualities"), "quality_definition.qualities"):
        check_keys(
            entry,
            ("name", "min", "max", "preferred"),
            strict=True,
            where="a quality_definition.qualities entry",
        )
        name = get_str(entry, "name")
        if not name:
            fail(entry.origin, "a quality_definition.qualities entry needs 'name'")
        overrides.append(
            QualitySizeOverride(
                name=name,
                min=get_float(entry, "min"),
                preferred=size_or_unlimited(entry, "preferred"),
                max=size_or_unlimited(entry, "max"),
                origin=entry.origin,
            )
        )
    return QualityDefinitionConfig(
        type=get_str(definition, "type"),
        preferred_ratio=get_float(definition, "preferred_ratio"),
        ratio_mode=ratio_mode,
        qualities=tuple(overrides),
        origin=definition.origin,
    )


def size_or_unlimited(node: YamlMap, key: str) -> float | Literal["unlimited"] | None:
    value = node.get(key)
    if isinstance(value, str) and value.lower() == "unlimited":
        return "unlimited"
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        fail(node.origin_of(key), f"{key} must be a number or 'unlimited', got {type_name(value)}")
    return None if value is None else float(value)


def media_naming(
    node: YamlMap, service: Service, *, allowed_extra: Iterable[str] = ()
) -> MediaNamingConfig | None:
    naming = get_map(node, "media_naming")
    if naming is None:
        return None
    check_keys(naming, (*NAMING_KEYS[service], *allowed_extra), strict=True, where=f"{service} media_naming")
    episodes = get_map(naming, "episodes") or YamlMap(naming.origin)
    check_keys(episodes, ("rename", "standard", "daily", "anime"), strict=True, where="media_naming.episodes")
    movie = get_map(naming, "movie") or YamlMap(naming.origin)
    check_keys(movie, ("rename", "standard"), strict=True, where="media_naming.movie")
    return naming_config(naming, episodes, movie)


def naming_config(naming: YamlMap, episodes: YamlMap, movie: YamlMap) -> MediaNamingConfig:
    return MediaNamingConfig(
        series=get_str(naming, "series"),
        season=get_str(naming, "season"),
        episodes_rename=get_bool(episodes, "rename"),
        episodes_standard=get_str(episodes, "standard"),
        episodes_daily=get_str(episodes, "daily"),
        episodes_anime=get_str(episodes, "anime"),
        folder=get_str(naming, "folder"),
        movie_rename=get_bool(movie, "rename"),
        movie_standard=get_str(movie, "standard"),
        origin=naming.origin,
    )


def media_management(node: YamlMap, *, allowed_extra: Iterable[str]) -> MediaManagementConfig | None:
    management = get_map(node, "media_management")
    if management is None:
        return None
    check_keys(management, ("propers_and_repacks", *allowed_extra), strict=True, where="media_management")
    return MediaManagementConfig(
        propers_and_repacks=propers_and_repacks(management), origin=management.origin
    )


def propers_and_repacks(
    node: YamlMap,
) -> Literal["prefer_and_upgrade", "do_not_upgrade", "do_not_prefer"] | None:
    value = get_str(node, "propers_and_repacks")
    if value is not None and value not in PROPERS_AND_REPACKS:
        fail(
            node.origin_of("propers_and_repacks"),
            f"propers_and_repacks must be one of {', '.join(PROPERS_AND_REPACKS)}",
        )
    return cast(Literal["prefer_and_upgrade", "do_not_upgrade", "do_not_prefer"] | None, value)
