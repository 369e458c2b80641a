"""Finding the config when no `-c` is given, in the order a home-lab user expects.

1. `$SYNCD_CONFIG` (a file or a Recyclarr config folder; it must exist);
2. `syncd.yml` (or `syncd.yaml`) in the working directory, then in the config root (`/config`,
   where the image and Docker Compose mount it);
3. Recyclarr: `recyclarr.yml` or a `configs/` folder, in the working directory, then the config
   root (a folder with `configs/` is read whole, the way Recyclarr reads it);
4. Configarr: `$CONFIG_LOCATION` (Configarr's own variable), then `config.yml` in the working
   directory, `config/config.yml` under it, then `config.yml` in the config root.

The first match wins; `Discovered.reason` names how it was found so the CLI can say which file
it picked. The roots are parameters, so tests can point them at temporary folders.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from syncd.errors import ConfigError

CONFIG_ROOT = Path("/config")
SYNCD_NAMES = ("syncd.yml", "syncd.yaml")
RECYCLARR_NAMES = ("recyclarr.yml", "recyclarr.yaml")
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Discovered:
    path: Path
    reason: str


def _folder_config(path: Path) -> Path | None:
    """`path` when it is a Recyclarr config folder: one with YAML files in `configs/`."""
    configs = path / "configs"
    if configs.is_dir() and any(p.suffix in YAML_SUFFIXES for p in configs.iterdir()):
        return path
    return None


def _recyclarr(root: Path) -> Iterator[tuple[Path, str]]:
    yield root, f"Recyclarr config folder {root}"
    for name in RECYCLARR_NAMES:
        yield root / name, f"Recyclarr config {name} in {root}"


def _candidates(env: Mapping[str, str], cwd: Path, root: Path) -> Iterator[tuple[Path, str]]:
    for folder in (cwd, root):
        for name in SYNCD_NAMES:
            yield folder / name, f"{name} in {folder}"
    for folder in (cwd, root):
        yield from _recyclarr(folder)
    if env.get("CONFIG_LOCATION"):
        yield Path(env["CONFIG_LOCATION"]), "Configarr's $CONFIG_LOCATION"
    yield cwd / "config.yml", f"Configarr config.yml in {cwd}"
    yield cwd / "config" / "config.yml", f"Configarr config.yml in {cwd / 'config'}"
    yield root / "config.yml", f"Configarr config.yml in {root}"


def discover(*, env: Mapping[str, str], cwd: Path, root: Path | None = None) -> Discovered:
    """The config to use (`root` defaults to `CONFIG_ROOT`); `ConfigError` listing every place
    looked at when there is none."""
    root = root or CONFIG_ROOT
    explicit = env.get("SYNCD_CONFIG", "").strip()
    if explicit:
        path = Path(explicit).expanduser()
        if not path.exists():
            raise ConfigError(f"$SYNCD_CONFIG names {path}, which does not exist")
        return Discovered(path, "$SYNCD_CONFIG")
    looked: list[str] = []
    for path, reason in _candidates(env, cwd, root):
        if path.is_file() or path == _folder_config(path):
            return Discovered(path, reason)
        looked.append(str(path))
    raise ConfigError(
        "no config given and none found; pass -c FILE, set $SYNCD_CONFIG, or create one with "
        "`syncd config create`. Looked for: " + ", ".join(dict.fromkeys(looked))
    )
