"""Settings: ``[tool.iosdmvpn]`` in ``pyproject.toml``, or an ``iosdmvpn.toml``.

The file is found from the working directory upwards; the first directory holding an
``iosdmvpn.toml``, or a ``pyproject.toml`` with a ``[tool.iosdmvpn]`` table, wins (an
``iosdmvpn.toml`` beats a ``pyproject.toml`` in the same directory, as ``ruff.toml`` does).
``--config FILE`` names one explicitly. Paths in the file (``paths``, ``exclude``,
``per-file-ignores``) are relative to the file's directory, the *root*.

Example (``iosdmvpn.toml``; in ``pyproject.toml`` put the same under ``[tool.iosdmvpn]``)::

    paths = ["configs"]              # what `iosdmvpn lint` lints when given no PATH
    exclude = ["configs/retired/**"]
    select = ["ALL"]                 # codes, prefixes (DMV2), rule names, or ALL
    ignore = ["DMV211"]
    fail-on = "error"                # error | warning | info
    network = true                   # lint all files as one network
    complete-network = false         # every hub of the network is among the files

    [severity]                       # [tool.iosdmvpn.severity] in pyproject.toml
    DMV109 = "error"

    [per-file-ignores]
    "lab/*.cfg" = ["DMV119"]

    [nat]                            # static NAT in front of a node: private NBMA = public
    "10.1.1.1" = "203.0.113.5"

Selection follows ruff: of the selectors in ``select`` and ``ignore`` that match a
code, the most specific wins (a full code or rule name beats a prefix, a longer prefix
beats a shorter one, ``ALL`` is the least specific); on a tie ``ignore`` wins.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from functools import cache
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from iosdmvpn.diagnostics import Severity

SeverityName = Literal["error", "warning", "info"]
CONFIG_NAMES = ("iosdmvpn.toml", "pyproject.toml")
_SELECTOR = re.compile(r"^(ALL|DMV\d{0,3}|[a-z0-9]+(-[a-z0-9]+)*)$")
_CODE = re.compile(r"^DMV\d{3}$")
# Folders never walked into: version control, virtualenvs, caches.
DEFAULT_EXCLUDE = (".*", "node_modules", "__pycache__", "venv", "site-packages")


class SettingsError(Exception):
    """The settings are invalid; the message says where and why (exit code 2)."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _normalise(selector: str) -> str:
    text = selector.strip()
    return text.upper() if text.upper() == "ALL" or text.upper().startswith("DMV") else text.lower()


def _selectors(value: Any) -> Any:
    if isinstance(value, str):  # a single string is a list of one (also comma-separated)
        value = [v for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if not isinstance(item, str):
                return value  # let pydantic report the type error
            norm = _normalise(item)
            if not _SELECTOR.match(norm):
                raise ValueError(f"{item!r} is not a rule code (DMV209), prefix (DMV2), rule name or ALL")
            out.append(norm)
        return tuple(out)
    return value


class Settings(BaseModel):
    """Everything that changes what ``lint`` reports; see the module docstring for the file format."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=_kebab, populate_by_name=True)

    paths: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    fail_on: SeverityName = "error"
    network: bool = True
    complete_network: bool = False
    nat: dict[IPv4Address | IPv6Address, IPv4Address | IPv6Address] = Field(default_factory=dict)

    _root: Path = PrivateAttr(default_factory=Path.cwd)
    _source: Path | None = PrivateAttr(default=None)

    @field_validator("select", "ignore", mode="before")
    @classmethod
    def _check_selectors(cls, value: Any) -> Any:
        return _selectors(value)

    @field_validator("per_file_ignores", mode="before")
    @classmethod
    def _check_per_file(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _selectors(v) for k, v in value.items()}
        return value

    @field_validator("severity", mode="before")
    @classmethod
    def _check_severity(cls, value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                key = _normalise(str(k))
                if not _SELECTOR.match(key):
                    raise ValueError(f"{k!r} is not a rule code, prefix, rule name or ALL")
                out[key] = v.lower() if isinstance(v, str) else v
            return out
        return value

    @field_validator("nat", mode="before")
    @classmethod
    def _check_nat(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = {}
        for private, public in value.items():
            try:
                out[ip_address(str(private))] = ip_address(str(public))
            except ValueError:
                bad = private if not _is_ip(private) else public
                raise ValueError(f"{bad!r} is not an IP address (write \"private\" = \"public\")") from None
        return out

    @field_validator("paths", "exclude", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @property
    def root(self) -> Path:
        """The directory the settings' relative paths start from."""
        return self._root

    @property
    def source(self) -> Path | None:
        """The settings file, or None for built-in defaults."""
        return self._source

    @property
    def fail_on_severity(self) -> Severity:
        """``fail_on`` as a :class:`Severity`."""
        return Severity.parse(self.fail_on)

    def located(self, root: Path, source: Path | None) -> Settings:
        """A copy anchored at ``root`` (and remembering the file it came from)."""
        copy = self.model_copy()
        copy._root = root
        copy._source = source
        return copy

    def override(self, **changes: Any) -> Settings:
        """A validated copy with some settings replaced (command-line options).

        Raises:
            SettingsError: A value is invalid.
        """
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        try:
            new = Settings.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(_describe(exc, "command line")) from None
        return new.located(self._root, self._source)

    # -- selection ---------------------------------------------------------------------

    def enabled(self, code: str, name: str) -> bool:
        """Whether ``select``/``ignore`` let this code through."""
        chosen = _best(self.select, code, name)
        dropped = _best(self.ignore, code, name)
        return chosen is not None and (dropped is None or chosen > dropped)

    def severity_for(self, code: str, name: str, default: Severity) -> Severity:
        """The severity after the ``severity`` overrides (the most specific selector wins)."""
        best: tuple[int, str] | None = None
        for selector, level in self.severity.items():
            rank = _specificity(selector, code, name)
            if rank is not None and (best is None or rank > best[0]):
                best = (rank, level)
        return Severity.parse(best[1]) if best else default

    def relative(self, path: str) -> str:
        """``path`` relative to the root, in POSIX form (as written when outside the root)."""
        if path.startswith("<"):
            return path
        try:
            rel = os.path.relpath(os.path.abspath(path), self._root)
        except ValueError:  # another drive on Windows
            return PurePosixPath(path).as_posix()
        if rel.startswith(".."):
            return Path(path).as_posix()
        return PurePosixPath(*Path(rel).parts).as_posix()

    def ignored_in(self, path: str, code: str, name: str) -> bool:
        """Whether ``per-file-ignores`` drops this code for this file."""
        if not self.per_file_ignores:
            return False
        rel = self.relative(path)
        return any(
            _glob_match(pattern, rel) and _best(selectors, code, name) is not None
            for pattern, selectors in self.per_file_ignores.items()
        )

    def excluded(self, path: str) -> bool:
        """Whether ``path`` (a file or folder) matches ``exclude`` or the built-in exclusions."""
        rel = self.relative(path)
        name = PurePosixPath(rel).name
        if any(_glob_match(p, name) for p in DEFAULT_EXCLUDE if name not in (".", "..")):
            return True
        return any(_glob_match(p, rel) for p in self.exclude)


def _is_ip(text: object) -> bool:
    try:
        ip_address(str(text))
    except ValueError:
        return False
    return True


def _specificity(selector: str, code: str, name: str) -> int | None:
    if selector == "ALL":
        return 0
    if selector in (name, code):
        return 100
    if selector.startswith("DMV") and code.startswith(selector):
        return len(selector)
    return None


def _best(selectors: tuple[str, ...], code: str, name: str) -> int | None:
    ranks = [r for s in selectors if (r := _specificity(s, code, name)) is not None]
    return max(ranks) if ranks else None


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """``**`` crosses folders, ``*`` and ``?`` do not, ``[...]`` is a character class."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"(?:/.*)?\Z")


def _glob_match(pattern: str, rel: str) -> bool:
    """Match a settings glob against a root-relative path; a pattern without ``/`` also
    matches the file name alone (``"*.txt"`` anywhere), as in ruff's per-file-ignores."""
    pattern = pattern.strip().removeprefix("./").rstrip("/")
    if _glob_regex(pattern).match(rel):
        return True
    return "/" not in pattern and bool(_glob_regex(pattern).match(PurePosixPath(rel).name))


def check_codes(settings: Settings, known: Mapping[str, str]) -> None:
    """Reject full codes and rule names that name nothing (a typo would silently do nothing).

    Args:
        settings: The settings to check.
        known: Every code -> its name.

    Raises:
        SettingsError: A selector names an unknown code or rule.
    """
    names = set(known.values())
    places: list[tuple[str, tuple[str, ...]]] = [("select", settings.select), ("ignore", settings.ignore)]
    places += [(f"per-file-ignores[{k!r}]", v) for k, v in settings.per_file_ignores.items()]
    places += [("severity", tuple(settings.severity))]
    for where, selectors in places:
        for s in selectors:
            unknown_code = _CODE.match(s) is not None and s not in known
            unknown_name = not s.startswith("DMV") and s != "ALL" and s not in names
            if unknown_code or unknown_name:
                close = _close_matches(s, [*known, *names])
                hint = f" (did you mean {close[0]!r}?)" if close else "; `iosdmvpn rules` lists them"
                origin = settings.source.name if settings.source else "settings"
                raise SettingsError(f"{origin}: {where}: unknown rule {s!r}{hint}")


def _describe(exc: ValidationError, origin: str) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            fields = [_kebab(f) for f in Settings.model_fields]
            close = _close_matches(key, list(fields))
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known settings: {', '.join(fields)}"
            lines.append(f"{origin}: unknown setting {key!r}{hint}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{origin}: {loc}: {msg}")
    return "\n".join(lines)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    """The iosdmvpn settings table of a parsed file, or None if a pyproject has none."""
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("iosdmvpn") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: [tool.iosdmvpn] must be a table")
        return table
    return data


def read_settings(path: Path) -> Settings:
    """Read one settings file (``pyproject.toml`` or ``iosdmvpn.toml``).

    Raises:
        SettingsError: The file is missing, not TOML, or holds invalid settings.
    """
    if not path.is_file():
        raise SettingsError(f"{path}: no such settings file")
    table = _table(path, _read_toml(path))
    if table is None:
        raise SettingsError(f"{path}: has no [tool.iosdmvpn] table")
    origin = f"{path.name} [tool.iosdmvpn]" if path.name == "pyproject.toml" else path.name
    try:
        settings = Settings.model_validate(table)
    except ValidationError as exc:
        raise SettingsError(_describe(exc, origin)) from None
    return settings.located(path.resolve().parent, path)


def find_settings_file(start: Path | None = None) -> Path | None:
    """The settings file that applies in ``start`` (default: the working directory), if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "iosdmvpn.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            try:
                if _table(project, _read_toml(project)) is not None:
                    return project
            except SettingsError:
                # A broken pyproject is only our business if it has our table; report it then.
                if b"[tool.iosdmvpn" in project.read_bytes():
                    raise
    return None


def load_settings(config: Path | None = None, *, isolated: bool = False,
                  start: Path | None = None) -> Settings:
    """The settings for this run: ``config`` if given, else the discovered file, else defaults.

    Raises:
        SettingsError: The settings file is invalid.
    """
    if isolated:
        return Settings().located((start or Path.cwd()).resolve(), None)
    path = config or find_settings_file(start)
    if path is None:
        return Settings().located((start or Path.cwd()).resolve(), None)
    return read_settings(path)


def _close_matches(word: str, candidates: list[str]) -> list[str]:
    import difflib  # only for a typo's "did you mean": not loaded by a clean run

    return difflib.get_close_matches(word, candidates, n=1)
