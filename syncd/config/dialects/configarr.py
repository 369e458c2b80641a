"""The Configarr dialect: Configarr's `config.yml` turned into normalized instances. Pure: no I/O.

Configarr is lenient: unknown keys are dropped, so here they are ignored with a warning naming the
key. Keys Configarr manages but syncd does not yet (UI config, metadata profiles, telemetry, ...)
are ignored with a warning too, so a Configarr file loads unchanged. The wiring keys (root
folders, delay profiles, download clients with their remote paths and settings) become syncd's
resource sections (`syncd.config.dialects.configarr_wiring`). Configarr's meanings:
`preferred_ratio` interpolates piecewise through the TRaSH preferred size,
`delete_unmanaged_custom_formats` deletes every CF not managed, `custom_format_groups` is a
list of `{trash_guide, assign_scores_to}`, and `upgrade.min_format_score` is the minimum
upgrade score. `include: {template: <trash_id>, source: TRASH}` becomes a guide-backed profile
or a quality-definition type (`trash_include_fragment`). `renameQualityProfiles` and
`cloneQualityProfiles` are carried as they are: they may name a guide profile by the guide's
name, which only `syncd.desired.renames` knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from syncd.config.dialects import (
    SERVICES,
    UNSUPPORTED_SERVICES,
    Document,
    InstanceNode,
    check_keys,
    configarr_wiring,
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
    require_str,
    to_plain,
    warn_unsupported_services,
)
from syncd.config.dialects import recyclarr as rec
from syncd.config.model import (
    DEFAULT_REF,
    DEFAULT_TEMPLATES_URL,
    DEFAULT_TRASH_GUIDES_URL,
    AutoGroupSelection,
    CfGroupsConfig,
    CfGroupSelection,
    CustomFormatEntry,
    DeletePolicy,
    GuidesConfig,
    GuideSource,
    InstanceConfig,
    MediaManagementConfig,
    MediaNamingConfig,
    ProfileRename,
    QualityDefinitionConfig,
    QualityProfileConfig,
    QualitySizeOverride,
    ResourceEntry,
    ScoreTarget,
    Service,
    TrashRef,
    UpgradeConfig,
)
from syncd.config.yamlfile import YamlList, YamlMap
from syncd.logger import get_logger

log = get_logger(__name__)

GUIDE_KEYS = (
    "trashGuideUrl",
    "trashRevision",
    "recyclarrConfigUrl",
    "recyclarrRevision",
    "localCustomFormatsPath",
    "localConfigTemplatesPath",
)
ENABLED_KEYS = tuple(f"{s}Enabled" for s in (*SERVICES, *UNSUPPORTED_SERVICES))
# Configarr keys that syncd accepts but does not act on (yet): warned about, never an error.
IGNORED_TOP_LEVEL_KEYS = (
    "enableFullGitClone",
    "telemetry",
    "compatibilityTrashGuide20260219Enabled",
    "silenceTrashConflictWarnings",
    "silenceRequiredCfGroupExclusionWarnings",
)
# Configarr >= 1.28: how default CF groups fill guide profiles, per instance and per include.
AUTO_GROUP_KEYS = ("include_optional", "include_unrequired", "include_cfs", "exclude_cfs")
AUTO_GROUP_INCLUDE_KEYS = tuple(f"trash_cfgroup_{key}" for key in AUTO_GROUP_KEYS)
IGNORED_INSTANCE_KEYS = (
    "ui_config",
    "metadata_profiles",
    "delete_unmanaged_metadata_profiles",
)
INSTANCE_KEYS = (
    "base_url",
    "api_key",
    "enabled",
    "include",
    "custom_formats",
    "custom_format_groups",
    "quality_profiles",
    "quality_definition",
    "delete_unmanaged_custom_formats",
    "delete_unmanaged_quality_profiles",
    "media_naming",
    "media_naming_api",
    "media_management",
    "renameQualityProfiles",
    "cloneQualityProfiles",
    "trash_cfgroup_config",
    "customFormatDefinitions",
    *configarr_wiring.KEYS,
)
# TRaSH quality-size files (`docs/json/<service>/quality-size/*.json`): trash_id -> type. A
# `source: TRASH` include naming one of these (or a type) sets the quality definition; any
# other id is taken as a TRaSH quality profile.
QUALITY_SIZE_TYPES: dict[Service, dict[str, str]] = {
    "sonarr": {"bef99584217af744e404ed44a33af589": "series", "387e6278d8e06083d813358762e0ac63": "anime"},
    "radarr": {
        "aed34b9f60ee115dfa7918b742336277": "movie",
        "c2aa9540a57d273a9e03a538efe0ca1b": "anime",
        "8f1391784833965c476bb6aee95fe328": "sqp-streaming",
        "da8c8c0268b2f304be588132831543d2": "sqp-uhd",
    },
}


def read_document(document: YamlMap, *, config_dir: Path) -> Document:
    """Guide sources and enabled instances of a Configarr file."""
    _ignore(document, IGNORED_TOP_LEVEL_KEYS, where="the top level")
    check_keys(
        document,
        (
            *GUIDE_KEYS,
            *IGNORED_TOP_LEVEL_KEYS,
            "customFormatDefinitions",
            *SERVICES,
            *UNSUPPORTED_SERVICES,
            *ENABLED_KEYS,
        ),
        strict=False,
        where="the top level",
    )
    warn_unsupported_services(document)
    instances = []
    for service in SERVICES:
        if get_bool(document, f"{service}Enabled") is False:
            log.info("config.service.disabled", service=service)
            continue
        for name, node in instance_nodes(document, service):
            if get_bool(node, "enabled") is False:
                log.info("config.instance.disabled", instance=f"{service}.{name}")
                continue
            instances.append(InstanceNode(service, name, _with_global_definitions(document, node)))
    return Document(instances=tuple(instances), guides=_guides(document, config_dir))


def _with_global_definitions(document: YamlMap, node: YamlMap) -> YamlMap:
    """The instance with the top-level `customFormatDefinitions` before its own (Configarr
    applies templates', then the global, then the instance's; later wins per trash_id)."""
    shared = get_list(document, "customFormatDefinitions")
    if not shared:
        return node
    combined = YamlList(shared.origin)
    own = get_list(node, "customFormatDefinitions")
    for source in (shared, own):
        for index, item in enumerate(source):
            combined.add(item, source.origin_of(index))
    result = YamlMap(node.origin, node)
    result.key_origins = dict(node.key_origins)
    result["customFormatDefinitions"] = combined
    result.key_origins["customFormatDefinitions"] = document.origin_of("customFormatDefinitions")
    return result


def _guides(document: YamlMap, config_dir: Path) -> GuidesConfig:
    local_cfs = get_str(document, "localCustomFormatsPath")
    local_templates = get_str(document, "localConfigTemplatesPath")
    return GuidesConfig(
        trash=GuideSource(
            url=get_str(document, "trashGuideUrl") or DEFAULT_TRASH_GUIDES_URL,
            ref=get_str(document, "trashRevision") or DEFAULT_REF,
        ),
        templates=GuideSource(
            url=get_str(document, "recyclarrConfigUrl") or DEFAULT_TEMPLATES_URL,
            ref=get_str(document, "recyclarrRevision") or DEFAULT_REF,
        ),
        local_custom_formats=(config_dir / Path(local_cfs).expanduser(),) if local_cfs else (),
        local_templates=config_dir / Path(local_templates).expanduser() if local_templates else None,
    )


def _ignore(node: YamlMap, keys: tuple[str, ...], *, where: str) -> None:
    for key in keys:
        if key in node:
            log.warning("config.key.unmanaged", key=key, where=where, origin=str(node.origin_of(key)))


def trash_include_fragment(entry: YamlMap, service: Service) -> YamlMap:
    """What `{template: <id>, source: TRASH}` adds: a guide-backed profile or a quality-size type."""
    template = require_str(entry, "template", "an include entry")
    origin = entry.origin_of("template")
    fragment = YamlMap(entry.origin)
    qs_type = QUALITY_SIZE_TYPES[service].get(template)
    if qs_type is None and template in QUALITY_SIZE_TYPES[service].values():
        qs_type = template
    if qs_type is not None:
        definition = YamlMap(entry.origin, {"type": qs_type})
        definition.key_origins["type"] = origin
        if entry.get("preferred_ratio") is not None:
            definition["preferred_ratio"] = entry["preferred_ratio"]
            definition.key_origins["preferred_ratio"] = entry.origin_of("preferred_ratio")
        fragment["quality_definition"] = definition
    else:
        profile = YamlMap(entry.origin, {"trash_id": template})
        profile.key_origins["trash_id"] = origin
        for key in AUTO_GROUP_INCLUDE_KEYS:
            if key in entry:
                profile[key] = entry[key]
                profile.key_origins[key] = entry.origin_of(key)
        profiles = YamlList(entry.origin)
        profiles.add(profile, entry.origin)
        fragment["quality_profiles"] = profiles
    return fragment


def parse_instance(inst: InstanceNode) -> InstanceConfig:
    """One merged Configarr instance (templates already applied)."""
    node = inst.node
    where = f"{inst.service} instance {inst.name!r}"
    _ignore(node, IGNORED_INSTANCE_KEYS, where=where)
    check_keys(node, (*INSTANCE_KEYS, *IGNORED_INSTANCE_KEYS), strict=False, where=where)
    base_url = require_str(node, "base_url", where)
    api_key = require_str(node, "api_key", where)
    wiring = configarr_wiring.wiring(node, inst.service)
    profile_nodes = list_maps(get_list(node, "quality_profiles"), "quality_profiles")
    groups = _custom_format_groups(node).model_copy(
        update={"auto_selection": _auto_selection(node, profile_nodes)}
    )
    return InstanceConfig(
        service=inst.service,
        name=inst.name,
        base_url=base_url.rstrip("/"),
        api_key=SecretStr(api_key),
        custom_formats=_custom_formats(node),
        custom_format_groups=groups,
        quality_profiles=tuple(_profile(p) for p in profile_nodes),
        profile_renames=_renames(node, "renameQualityProfiles"),
        profile_clones=_renames(node, "cloneQualityProfiles"),
        quality_definition=_quality_definition(node),
        media_naming=_media_naming(node),
        media_management=_media_management(node),
        delete=_delete(node),
        custom_format_definitions=_definitions(node),
        resources=wiring.resources,
        unmanaged_deletes=wiring.unmanaged,
        origin=node.origin,
    )


def _renames(node: YamlMap, key: str) -> tuple[ProfileRename, ...]:
    """`renameQualityProfiles` / `cloneQualityProfiles`: `[{from, to}]`, applied in the desired
    stage, where guide profiles have their names."""
    entries = []
    for item in list_maps(get_list(node, key), key):
        check_keys(item, ("from", "to"), strict=False, where=key)
        entries.append(
            ProfileRename(
                old=require_str(item, "from", f"a {key} entry"),
                new=require_str(item, "to", f"a {key} entry"),
                origin=item.origin,
            )
        )
    return tuple(entries)


def _definitions(node: YamlMap) -> tuple[ResourceEntry, ...]:
    """`customFormatDefinitions`: TRaSH-shaped CF JSON, checked when the guides are read."""
    items = get_list(node, "customFormatDefinitions")
    return tuple(
        ResourceEntry(value=to_plain(item) if isinstance(item, YamlMap) else item, origin=items.origin_of(i))
        for i, item in enumerate(items)
    )


def _custom_formats(node: YamlMap) -> tuple[CustomFormatEntry, ...]:
    entries = []
    for entry in list_maps(get_list(node, "custom_formats"), "custom_formats"):
        check_keys(
            entry, ("trash_ids", "assign_scores_to", "quality_profiles"), strict=False, where="custom_formats"
        )
        targets_key = "assign_scores_to"
        if "quality_profiles" in entry and "assign_scores_to" not in entry:
            log.warning(
                "config.key.deprecated",
                key="quality_profiles",
                use="assign_scores_to",
                origin=str(entry.origin),
            )
            targets_key = "quality_profiles"
        entries.append(
            CustomFormatEntry(
                trash_ids=get_trash_refs(entry, "trash_ids"),
                assign_scores_to=_score_targets(entry, targets_key),
                origin=entry.origin,
            )
        )
    return tuple(entries)


def _score_targets(node: YamlMap, key: str) -> tuple[ScoreTarget, ...]:
    targets = []
    for target in list_maps(get_list(node, key), key):
        check_keys(target, ("name", "score", "use_default_score"), strict=False, where=key)
        targets.append(
            ScoreTarget(
                name=require_str(target, "name", f"an {key} entry"),
                score=get_int(target, "score"),
                use_default_score=bool(get_bool(target, "use_default_score")),
                origin=target.origin,
            )
        )
    return tuple(targets)


def _custom_format_groups(node: YamlMap) -> CfGroupsConfig:
    selections = []
    for group in list_maps(get_list(node, "custom_format_groups"), "custom_format_groups"):
        check_keys(group, ("trash_guide", "assign_scores_to"), strict=False, where="custom_format_groups")
        targets = _score_targets(group, "assign_scores_to")
        for guide in list_maps(get_list(group, "trash_guide"), "trash_guide"):
            check_keys(
                guide, ("id", "include_unrequired", "include", "exclude"), strict=False, where="trash_guide"
            )
            selections.append(
                CfGroupSelection(
                    trash_id=TrashRef(
                        trash_id=require_str(guide, "id", "a trash_guide entry"), origin=guide.origin
                    ),
                    assign_scores_to=targets,
                    select=_id_refs(guide, "include") if guide.get("include") is not None else None,
                    exclude=_id_refs(guide, "exclude"),
                    select_all=bool(get_bool(guide, "include_unrequired")),
                    origin=guide.origin,
                )
            )
    return CfGroupsConfig(add=tuple(selections), unknown_warns=True)


def _auto_selection(node: YamlMap, profiles: list[YamlMap]) -> dict[str, AutoGroupSelection]:
    """Guide profile trash_id -> its default groups' selection: the include's
    `trash_cfgroup_*` over the instance's `trash_cfgroup_config`, key by key."""
    instance = get_map(node, "trash_cfgroup_config") or YamlMap(node.origin)
    check_keys(instance, AUTO_GROUP_KEYS, strict=False, where="trash_cfgroup_config")
    selections: dict[str, AutoGroupSelection] = {}
    for profile in profiles:
        trash_id = get_str(profile, "trash_id")
        own = [key for key in AUTO_GROUP_KEYS if f"trash_cfgroup_{key}" in profile]
        if trash_id is None or not (own or instance):
            continue
        where = {
            key: (profile, f"trash_cfgroup_{key}") if key in own else (instance, key)
            for key in AUTO_GROUP_KEYS
        }
        selections[trash_id.lower()] = AutoGroupSelection(
            include_optional=get_bool(*where["include_optional"]) is not False,
            include_unrequired=bool(get_bool(*where["include_unrequired"])),
            include_cfs=_id_refs(*where["include_cfs"]),
            exclude_cfs=_id_refs(*where["exclude_cfs"]),
        )
    return selections


def _id_refs(node: YamlMap, key: str) -> tuple[TrashRef, ...]:
    """`[{id: ...}]` lists of CF trash_ids."""
    return tuple(
        TrashRef(trash_id=require_str(item, "id", f"a {key} entry"), origin=item.origin)
        for item in list_maps(get_list(node, key), key)
    )


def _profile(node: YamlMap) -> QualityProfileConfig:
    check_keys(
        node,
        (
            "name",
            "trash_id",  # set by `source: TRASH` includes
            "reset_unmatched_scores",
            "upgrade",
            "min_format_score",
            "score_set",
            "quality_sort",
            "language",
            "qualities",
            *AUTO_GROUP_INCLUDE_KEYS,  # set by `source: TRASH` includes
        ),
        strict=False,
        where="a quality profile",
    )
    trash_id = get_str(node, "trash_id")
    name = get_str(node, "name")
    if not name and not trash_id:
        fail(node.origin, "a quality profile needs 'name'")
    upgrade = get_map(node, "upgrade") or YamlMap(node.origin)
    check_keys(
        upgrade,
        ("allowed", "until_quality", "until_score", "min_format_score"),
        strict=False,
        where="upgrade",
    )
    return QualityProfileConfig(
        name=name,
        trash_id=TrashRef(trash_id=trash_id, origin=node.origin_of("trash_id")) if trash_id else None,
        reset_unmatched_scores=rec.reset_scores(node, strict=False),
        upgrade=UpgradeConfig(
            allowed=get_bool(upgrade, "allowed"),
            until_quality=get_str(upgrade, "until_quality"),
            until_score=get_int(upgrade, "until_score"),
        ),
        min_format_score=get_int(node, "min_format_score"),
        min_upgrade_format_score=get_int(upgrade, "min_format_score"),
        score_set=get_str(node, "score_set"),
        quality_sort=rec.quality_sort(node),
        qualities=rec.quality_entries(node),
        language=get_str(node, "language"),
        origin=node.origin,
    )


def _quality_definition(node: YamlMap) -> QualityDefinitionConfig | None:
    definition = get_map(node, "quality_definition")
    if definition is None:
        return None
    check_keys(definition, ("type", "preferred_ratio", "qualities"), strict=False, where="quality_definition")
    overrides = []
    for entry in list_maps(get_list(definition, "qualities"), "quality_definition.qualities"):
        check_keys(entry, ("quality", "title", "min", "preferred", "max"), strict=False, where="qualities")
        overrides.append(
            QualitySizeOverride(
                name=require_str(entry, "quality", "a quality_definition.qualities entry"),
                title=get_str(entry, "title"),
                min=get_float(entry, "min"),
                preferred=get_float(entry, "preferred"),
                max=get_float(entry, "max"),
                origin=entry.origin,
            )
        )
    return QualityDefinitionConfig(
        type=get_str(definition, "type"),
        preferred_ratio=get_float(definition, "preferred_ratio"),
        ratio_mode="piecewise",
        qualities=tuple(overrides),
        origin=definition.origin,
    )


def _media_naming(node: YamlMap) -> MediaNamingConfig | None:
    naming = get_map(node, "media_naming")
    api = _plain(get_map(node, "media_naming_api"))
    if naming is None and not api:
        return None
    origin = naming.origin if naming is not None else node.origin_of("media_naming_api")
    naming = naming or YamlMap(origin)
    check_keys(
        naming, ("series", "season", "episodes", "folder", "movie"), strict=False, where="media_naming"
    )
    config = rec.naming_config(
        naming, get_map(naming, "episodes") or YamlMap(origin), get_map(naming, "movie") or YamlMap(origin)
    )
    return config.model_copy(update={"api": api})


def _media_management(node: YamlMap) -> MediaManagementConfig | None:
    management = get_map(node, "media_management")
    if management is None:
        return None
    return MediaManagementConfig(api=_plain(management), origin=management.origin)


def _plain(node: YamlMap | None) -> dict[str, Any]:
    return to_plain(node) if node is not None else {}


def _delete(node: YamlMap) -> DeletePolicy:
    cf_enabled, cf_ignore = _unmanaged(node, "delete_unmanaged_custom_formats")
    qp_enabled, qp_ignore = _unmanaged(node, "delete_unmanaged_quality_profiles")
    return DeletePolicy(
        unmanaged_custom_formats=cf_enabled,
        unmanaged_custom_formats_ignore=cf_ignore,
        unmanaged_quality_profiles=qp_enabled,
        unmanaged_quality_profiles_ignore=qp_ignore,
    )


def _unmanaged(node: YamlMap, key: str) -> tuple[bool, tuple[str, ...]]:
    section = get_map(node, key)
    if section is None:
        return False, ()
    check_keys(section, ("enabled", "ignore"), strict=False, where=key)
    return bool(get_bool(section, "enabled")), get_str_list(section, "ignore")
