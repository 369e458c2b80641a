"""Merging included fragments into an instance, key by key. Pure: no I/O.

The rules follow Recyclarr's `ServiceConfigMerger`, applied to the parsed YAML so positions
survive: fragments apply in `include:` order and the instance itself last ("later wins").

- `custom_formats` lists concatenate, and so do Configarr's `customFormatDefinitions`;
- `quality_profiles` merge by `(trash_id, name)`, later values winning field by field;
- `custom_format_groups`: `{skip, add}` maps concatenate both lists, an `add` for the same
  group replacing the earlier one; Configarr's list form concatenates;
- other mappings (`quality_definition`, `media_naming`, `media_management`, `delete`, ...)
  merge field by field, later wins; any other value is replaced by the later one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from syncd.config.yamlfile import YamlList, YamlMap

CONCATENATED = ("custom_formats", "customFormatDefinitions")


def merge_instance(fragments: Sequence[YamlMap], instance: YamlMap) -> YamlMap:
    """The instance with every fragment applied beneath it; the `include` key is dropped."""
    merged = YamlMap(instance.origin)
    for layer in (*fragments, instance):
        for key, value in layer.items():
            if key == "include" or (value is None and key in merged):
                continue  # an empty key (`skip:` with every line commented out) sets nothing
            merged[key] = _merge_key(key, merged.get(key), value) if key in merged else value
            merged.key_origins[key] = layer.origin_of(key)
    return merged


def _merge_key(key: str, earlier: Any, later: Any) -> Any:
    if key in CONCATENATED and isinstance(earlier, YamlList) and isinstance(later, YamlList):
        return _concat(earlier, later)
    if key == "quality_profiles" and isinstance(earlier, YamlList) and isinstance(later, YamlList):
        return _merge_profiles(earlier, later)
    if key == "custom_format_groups":
        return _merge_groups(earlier, later)
    if isinstance(earlier, YamlMap) and isinstance(later, YamlMap):
        return _merge_maps(earlier, later)
    return later


def _concat(earlier: YamlList, later: YamlList) -> YamlList:
    result = YamlList(later.origin)
    for source in (earlier, later):
        for index, item in enumerate(source):
            result.add(item, source.origin_of(index))
    return result


def _merge_maps(earlier: YamlMap, later: YamlMap) -> YamlMap:
    result = YamlMap(later.origin, earlier)
    result.key_origins = dict(earlier.key_origins)
    for key, value in later.items():
        before = result.get(key)
        result[key] = (
            _merge_maps(before, value)
            if isinstance(before, YamlMap) and isinstance(value, YamlMap)
            else value
        )
        result.key_origins[key] = later.origin_of(key)
    return result


def _profile_key(item: Any) -> tuple[Any, Any] | None:
    return (item.get("trash_id"), item.get("name")) if isinstance(item, YamlMap) else None


def _merge_profiles(earlier: YamlList, later: YamlList) -> YamlList:
    result = _concat(YamlList(earlier.origin), earlier)
    positions = {_profile_key(item): i for i, item in enumerate(result) if _profile_key(item) is not None}
    for index, item in enumerate(later):
        key = _profile_key(item)
        if key is not None and key in positions:
            result[positions[key]] = _merge_maps(result[positions[key]], item)
            result.item_origins[positions[key]] = later.origin_of(index)
        else:
            result.add(item, later.origin_of(index))
            if key is not None:
                positions[key] = len(result) - 1
    return result


def _merge_groups(earlier: Any, later: Any) -> Any:
    if isinstance(earlier, YamlList) and isinstance(later, YamlList):
        return _concat(earlier, later)
    if not (isinstance(earlier, YamlMap) and isinstance(later, YamlMap)):
        return later
    result = _merge_maps(earlier, later)
    for key in ("skip", "add"):
        before, after = earlier.get(key), later.get(key)
        if isinstance(before, YamlList) and isinstance(after, YamlList):
            result[key] = (
                _concat(_without_groups(before, after), after) if key == "add" else _concat(before, after)
            )
    return result


def _without_groups(adds: YamlList, replacing: YamlList) -> YamlList:
    """`adds` minus the entries whose group `replacing` adds again."""
    replaced = {item.get("trash_id") for item in replacing if isinstance(item, YamlMap)}
    result = YamlList(adds.origin)
    for index, item in enumerate(adds):
        if not (isinstance(item, YamlMap) and item.get("trash_id") in replaced):
            result.add(item, adds.origin_of(index))
    return result
