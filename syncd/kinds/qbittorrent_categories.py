"""qBittorrent's categories (WebUI API v2 `torrents/categories`): config `categories:` on a
qBittorrent instance, category name -> save path.

qBittorrent keys a category by its name alone (no id; names are case-sensitive), so a
category is matched, owned and written by its exact name. The listing is an object keyed by
name (`{"tv": {"name": "tv", "savePath": "/data/downloads/tv"}}`); writes are form POSTs:
`torrents/createCategory` (`category`, `savePath`), `torrents/editCategory` (both required;
qBittorrent rebuilds the options from what is sent, so the live download-path option is sent
back as it is) and `torrents/removeCategories` (names separated by newlines). qBittorrent
stores paths cleaned (no trailing slash, no `//`), so save paths compare cleaned; an empty
save path means qBittorrent's default, `<save_path>/<name>`, and a relative one is relative
to it. A name with `\\`, a leading or trailing `/` or `//` is refused at its config line, as
qBittorrent refuses it (409 "Incorrect category name"); `a/b` is a subcategory.

Removing: a category syncd created (or adopted) that the config no longer lists is removed,
unless the instance's `delete: {categories: false}` says otherwise; other categories (those
Sonarr's connection test creates, say) only with `delete: {unmanaged_categories: ...}`.
Category save paths apply to torrents in automatic management mode (the preference
`auto_tmm_enabled`), so this kind runs after the preferences.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import ValidationError

from syncd.config.model import ResourceEntry
from syncd.errors import Diagnostic
from syncd.kinds.base import Context, EntryModel, Found, Request, Resolved, ShapeError, Wanted, Wants

ENDPOINT = "torrents/categories"
# qBittorrent's `Session::isValidCategoryName`: no backslash, no leading or trailing slash, no `//`.
_VALID_NAME = re.compile(r"^[^\\/](?:[^\\/]|/(?=[^/]))*(?<!/)$")


class CategoryEntry(EntryModel):
    name: str
    save_path: str


def clean(path: str) -> str:
    """A save path as qBittorrent stores it: `//` and `/./` collapsed, no trailing slash."""
    return posixpath.normpath(path) if path.strip() else ""


class QbittorrentCategory:
    name: ClassVar[str] = "category"
    services: ClassVar[frozenset[str]] = frozenset({"qbittorrent"})
    section: ClassVar[str] = "categories"
    entry: ClassVar[type[EntryModel]] = CategoryEntry
    depends_on: ClassVar[tuple[str, ...]] = ("qbittorrent_preferences",)
    reads: ClassVar[tuple[str, ...]] = (ENDPOINT,)
    sensitive: ClassVar[frozenset[str]] = frozenset()
    replace_on: ClassVar[frozenset[str]] = frozenset()

    def wanted(self, entries: tuple[ResourceEntry, ...], context: Context) -> Wants:
        objects: list[Wanted] = []
        problems: list[Diagnostic] = []
        for entry in entries:
            try:
                parsed = CategoryEntry.model_validate(entry.value)
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(p) for p in error["loc"])
                problems.append(Diagnostic(str(entry.origin), f"categories: {field}: {error['msg']}"))
                continue
            if not _VALID_NAME.match(parsed.name):
                problems.append(
                    Diagnostic(
                        str(entry.origin),
                        f"category {parsed.name!r}: qBittorrent refuses names that are empty, contain "
                        "'\\' or '//', or start or end with '/'",
                    )
                )
                continue
            objects.append(
                Wanted(
                    key=parsed.name,
                    name=parsed.name,
                    value={"savePath": clean(parsed.save_path)},
                    origin=str(entry.origin),
                )
            )
        return Wants(objects=tuple(objects), diagnostics=tuple(problems))

    def found(self, reads: Mapping[str, Any]) -> tuple[Found, ...]:
        listing = reads.get(ENDPOINT)
        if not isinstance(listing, Mapping):
            raise ShapeError(ENDPOINT, "expected a JSON object of categories keyed by name")
        found: list[Found] = []
        for name, category in listing.items():
            if not isinstance(category, Mapping) or not isinstance(category.get("savePath"), str):
                raise ShapeError(ENDPOINT, f"category {name!r} has no valid 'savePath'")
            found.append(Found(id=None, name=str(name), raw=category, keyed_by_name=True))
        return tuple(found)

    def essence(self, found: Found, wanted: Wanted | None) -> Mapping[str, Any]:
        return {"savePath": clean(str(found.raw.get("savePath", "")))}

    def sensitive_in(self, reads: Mapping[str, Any]) -> frozenset[str]:
        return frozenset()

    def request(
        self,
        action: str,
        wanted: Wanted | None,
        found: Found | None,
        resolved: Resolved,
        reads: Mapping[str, Any],
    ) -> Request:
        if action == "delete":
            assert found is not None
            return Request("POST", "torrents/removeCategories", {"categories": found.name})
        assert wanted is not None
        form = {"category": wanted.name, "savePath": wanted.value["savePath"]}
        if action == "create":
            return Request("POST", "torrents/createCategory", form, identity=wanted.name)
        assert found is not None
        download = found.raw.get("download_path")
        if download is False:
            form["downloadPathEnabled"] = "false"
        elif isinstance(download, str):
            form.update(downloadPathEnabled="true", downloadPath=download)
        return Request("POST", "torrents/editCategory", form)
