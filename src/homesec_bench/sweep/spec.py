"""The sweep file: its schema, and one-line errors that name the file, the line, the key and the fix.

    spec = load_spec(Path("sweep.yaml"))     # a SweepSpec; raises SweepSpecError

A sweep is a matrix of ordinary runs: one per `endpoints:` entry (a preset or base URL, a model) and
one per GGUF file a `ggufs:` entry names (a path or a glob such as `models/qwen-*.gguf`, relative to the
sweep file), each served by a managed llama-server. Top-level keys apply to every run.
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from homesec_bench.sweep.yamlpos import PositionedYaml, YamlError, load_positioned

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
# Resource names Ray itself knows; any other key of `resources:` is a custom resource.
RAY_RESOURCES = ("num_cpus", "num_gpus", "memory")


class SweepSpecError(ValueError):
    """The sweep file cannot be used as written; the message is one line and says what to change."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EndpointEntry(_Strict):
    """One remote (already running) endpoint: a preset and/or a base URL, and a model."""

    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    preset: str | None = None
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    api: str | None = None
    locality: Literal["local", "cloud"] | None = None
    extra_body: dict[str, Any] = Field(default_factory=dict)
    concurrency: int | None = Field(default=None, ge=1, le=256)

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        from homesec_bench.runner.presets import PRESETS

        if value is not None and value not in PRESETS:
            raise ValueError(f"unknown preset {value!r}; choose one of: {', '.join(PRESETS)}")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  # raises on a bad port
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid URL ({exc})") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080/v1")
        return value

    @field_validator("api")
    @classmethod
    def _known_api(cls, value: str | None) -> str | None:
        from homesec_bench.client.backend import backend_names

        if value is not None and value not in backend_names():
            raise ValueError(f"unknown api {value!r}; choose one of: {', '.join(backend_names())}")
        return value

    @model_validator(mode="after")
    def _has_address(self) -> EndpointEntry:
        if self.preset is None and self.base_url is None:
            raise ValueError("an endpoint needs a preset or a base_url")
        return self


class GgufEntry(_Strict):
    """A GGUF file (or a glob of them) for the managed llama-server: one run per file."""

    path: str = Field(min_length=1)
    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    ctx_size: int = Field(default=8192, ge=256)
    threads: int | None = Field(default=None, ge=1)
    chat_template: str | None = None
    server_args: list[str] = Field(default_factory=list)
    llama_server: str | None = None
    concurrency: int | None = Field(default=None, ge=1, le=256)
    resources: dict[str, float] = Field(
        default_factory=dict,
        description="What the Ray task asks for: num_cpus, num_gpus, memory (bytes), or custom resources.",
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_path(cls, value: Any) -> Any:
        return {"path": value} if isinstance(value, str) else value

    @field_validator("resources")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for key, amount in value.items():
            if not math.isfinite(amount) or amount < 0:
                raise ValueError(f"resource {key!r} must be a non-negative number, not {amount:g}")
        return value


class SweepSpec(_Strict):
    """The whole file. Every key but `endpoints` and `ggufs` applies to all runs."""

    name: str | None = Field(default=None, pattern=NAME_PATTERN)
    endpoints: list[EndpointEntry] = Field(default_factory=list)
    ggufs: list[GgufEntry] = Field(default_factory=list)
    repeat: int = Field(default=1, ge=1, le=100)
    suites: list[str] | None = None
    tests: list[str] | None = None
    concurrency: int = Field(default=1, ge=1, le=256, description="Requests in flight within one run.")
    provider_concurrency: int | dict[str, int] = Field(
        default=2, description="Runs in parallel per provider; a mapping may set `default` and per name."
    )
    timeout: float = Field(default=300.0, gt=0, allow_inf_nan=False)
    idle_timeout: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    connect_timeout: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    retries: int = Field(default=3, ge=0, le=10)
    warmup: bool = True
    stream: bool = True
    llama_server: str | None = None
    prices: str | None = Field(
        default=None, description="A price file laid over the shipped prices (relative to the sweep file)."
    )

    @field_validator("provider_concurrency")
    @classmethod
    def _positive_limits(cls, value: int | dict[str, int]) -> int | dict[str, int]:
        limits = value.values() if isinstance(value, dict) else [value]
        if any(limit < 1 for limit in limits):
            raise ValueError("every limit must be at least 1")
        return value

    @model_validator(mode="after")
    def _has_runs(self) -> SweepSpec:
        if not self.endpoints and not self.ggufs:
            raise ValueError("the sweep has no runs: add `endpoints:` or `ggufs:` entries")
        return self

    def provider_limit(self, provider: str) -> int:
        limits = self.provider_concurrency
        if isinstance(limits, int):
            return limits
        return limits.get(provider, limits.get("default", 2))


class LoadedSpec(BaseModel):
    """A validated spec, where it came from, and the line of each key (for later errors)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    spec: SweepSpec
    path: Path
    text: str
    doc: PositionedYaml
    base: Path | None = None  # where relative paths start; None: the sweep file's folder

    @property
    def base_dir(self) -> Path:
        """Relative GGUF paths are relative to the sweep file's folder (the original one on a resume)."""
        return self.base or self.path.resolve().parent

    def error(self, loc: tuple[Any, ...], message: str) -> SweepSpecError:
        line = self.doc.line(loc)
        where = f"{self.path} line {line}" if line else str(self.path)
        return SweepSpecError(f"{where}: {_dotted(loc)}: {message}" if loc else f"{where}: {message}")


def load_spec(path: Path, text: str | None = None, base: Path | None = None) -> LoadedSpec:
    """Read and validate a sweep file (or `text`, read from `path` when None); relative paths start at
    `base` (default: the file's folder). Raises SweepSpecError."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SweepSpecError(f"cannot read the sweep file {path} ({reason})") from None
    try:
        doc = load_positioned(text)
    except YamlError as exc:
        where = f"{path} line {exc.line}" if exc.line else str(path)
        raise SweepSpecError(f"{where}: {exc}; fix the YAML") from None
    if not isinstance(doc.data, dict):
        raise SweepSpecError(f"{path}: a sweep file is a mapping with `endpoints:` and/or `ggufs:`")
    try:
        spec = SweepSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise _first_error(path, doc, exc) from None
    return LoadedSpec(spec=spec, path=path, text=text, doc=doc, base=base)


def _first_error(path: Path, doc: PositionedYaml, exc: ValidationError) -> SweepSpecError:
    errors = exc.errors(include_url=False)
    # An unknown key is the likeliest typo and the clearest message: report it first.
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = tuple(first["loc"])
    line = doc.line(loc)
    where = f"{path} line {line}" if line else str(path)
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return SweepSpecError(f"{where}: {_describe(first, doc)}{more}")


def _describe(error: Any, doc: PositionedYaml) -> str:
    raw = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        key, parent = raw[-1], raw[:-1]
        allowed = _allowed_keys(parent)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "remove it"
        under = f" under {_dotted(parent)}" if parent else ""
        return f"unknown key {key!r}{under}; {hint} (allowed: {', '.join(allowed)})"
    shown = _dotted(_in_document(raw, doc))
    if error["type"] == "missing":
        return f"{_dotted((*_in_document(raw, doc), raw[-1]))}: a required key is missing; add it"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    got = f" (got {value!r})" if isinstance(value, str | int | float | bool) and len(repr(value)) < 60 else ""
    return f"{shown or 'the file'}: {message}{got}; fix the value"


def _in_document(loc: tuple[Any, ...], doc: PositionedYaml) -> tuple[Any, ...]:
    """The parts of a pydantic location that address the document (not a union member's tag)."""
    found: tuple[Any, ...] = ()
    for part in loc:
        if doc.exists((*found, part)):
            found = (*found, part)
    return found


def _allowed_keys(parent: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = SweepSpec
    if parent[:1] == ("endpoints",):
        model = EndpointEntry
    elif parent[:1] == ("ggufs",):
        model = GgufEntry
    return list(model.model_fields)


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
