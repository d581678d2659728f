"""A sweep spec expanded into planned runs, each with a stable, unique, filesystem-safe name.

Names: `<provider>--<model>` for an endpoint (provider = the preset, else the base URL's host and
port; model `auto` when the endpoint's only model is used) and `gguf--<file stem>` for a GGUF file,
lowercased, anything but letters, digits, `.`, `_` and `-` turned into `-`. An entry's own `name:`
wins. A name that is taken gets `-2`, `-3`, ... in file order, so the same file always gives the same
names, and the names are what a resumed sweep matches its run directories by.

Repeats are the run's own `repeat` (one run directory per model, every test N times), not separate
runs: the leaderboard and report then show each model once, with its mean, interval, pass^N and flaky
tests, as they do for `run --repeat N`.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from homesec_bench.runner.config import EndpointConfig, RunConfig
from homesec_bench.runner.launch import ManagedServerOptions
from homesec_bench.sweep.spec import EndpointEntry, GgufEntry, LoadedSpec, SweepSpec

RunKind = Literal["endpoint", "gguf"]
MANAGED_PROVIDER = "managed llama-server"
# The sweep folder's own files: no run directory may take their names.
RESERVED_NAMES = frozenset(
    {"sweep.json", "sweep.yaml", "leaderboard.md", "leaderboard.json", "leaderboard.csv", "report.html"}
)


@dataclass
class PlannedRun:
    name: str
    kind: RunKind
    provider: str  # what the per-provider limit counts (endpoints); MANAGED_PROVIDER for GGUF runs
    label: str  # what the run is, in words: "openai gpt-4.1-mini", "models/qwen-Q4_K_M.gguf"
    config: RunConfig
    server: ManagedServerOptions | None = None  # set for a GGUF run
    resources: dict[str, float] = field(default_factory=dict)  # what a Ray task asks for

    @property
    def managed(self) -> bool:
        return self.kind == "gguf"


def slug(text: str, limit: int = 60) -> str:
    """Lowercase, only [a-z0-9._-], no leading dot or dash, at most `limit` characters."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", text.lower())
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-.")[:limit].strip("-.")
    return cleaned or "run"


def provider_of(entry: EndpointEntry) -> str:
    """The preset's name, else the base URL's host (how the per-provider limit groups runs)."""
    if entry.preset:
        return entry.preset
    return (urlsplit(entry.base_url or "").hostname or "unknown").lower()


def _endpoint_stem(entry: EndpointEntry) -> str:
    if entry.preset:
        where = entry.preset
    else:
        parts = urlsplit(entry.base_url or "")
        where = f"{parts.hostname}-{parts.port}" if parts.port else str(parts.hostname)
    return f"{slug(where, 40)}--{slug(entry.model or 'auto')}"


def expand_gguf(loaded: LoadedSpec, index: int, entry: GgufEntry) -> list[Path]:
    """The files one `ggufs:` entry names: a path, or a glob (sorted); relative to the sweep file.
    A glob that matches nothing, or a plain path that is not a file, is a one-line SweepSpecError."""
    pattern = Path(entry.path).expanduser()
    if not pattern.is_absolute():
        pattern = loaded.base_dir / pattern
    if glob.has_magic(str(pattern)):
        found = sorted(Path(p) for p in glob.glob(str(pattern)) if Path(p).is_file())
        if not found:
            raise loaded.error(
                ("ggufs", index),
                f"{entry.path!r} matches no file (looked for {pattern}); fix the glob or add the files",
            )
        if entry.name and len(found) > 1:
            raise loaded.error(
                ("ggufs", index, "name"),
                f"name {entry.name!r} cannot name the {len(found)} files the glob matches; remove it",
            )
        return found
    if not pattern.is_file():
        raise loaded.error(("ggufs", index), f"{entry.path!r} is not a file ({pattern}); fix the path")
    return [pattern]


def _run_config(spec: SweepSpec, endpoint: EndpointConfig, concurrency: int | None) -> RunConfig:
    return RunConfig(
        endpoint=endpoint,
        suites=spec.suites,
        test_ids=spec.tests,
        concurrency=concurrency or spec.concurrency,
        repeat=spec.repeat,
        warmup=spec.warmup,
        total_timeout_s=spec.timeout,
        idle_timeout_s=spec.idle_timeout,
        connect_timeout_s=spec.connect_timeout,
        max_retries=spec.retries,
        stream=spec.stream,
    )


def _endpoint_run(spec: SweepSpec, entry: EndpointEntry) -> PlannedRun:
    endpoint = EndpointConfig(
        base_url=entry.base_url,
        model=entry.model,
        api=entry.api,
        api_key_env=entry.api_key_env,
        preset=entry.preset,
        locality=entry.locality,
        extra_body=entry.extra_body,
    )
    where = entry.preset or entry.base_url or ""
    return PlannedRun(
        name=entry.name or _endpoint_stem(entry),
        kind="endpoint",
        provider=provider_of(entry),
        label=f"{where} {entry.model or '(its only model)'}",
        config=_run_config(spec, endpoint, entry.concurrency),
    )


def _gguf_run(spec: SweepSpec, entry: GgufEntry, path: Path) -> PlannedRun:
    options = ManagedServerOptions(
        gguf=path,
        llama_server=entry.llama_server or spec.llama_server,
        ctx_size=entry.ctx_size,
        threads=entry.threads,
        chat_template=entry.chat_template,
        server_args=list(entry.server_args),
    )
    return PlannedRun(
        name=entry.name or f"gguf--{slug(path.stem)}",
        kind="gguf",
        provider=MANAGED_PROVIDER,
        label=str(path),
        config=_run_config(spec, EndpointConfig(), entry.concurrency),
        server=options,
        resources=dict(entry.resources),
    )


def plan_sweep(loaded: LoadedSpec) -> list[PlannedRun]:
    """Every run of the sweep, endpoints first then GGUF files, in file order, with unique names."""
    spec = loaded.spec
    runs = [_endpoint_run(spec, entry) for entry in spec.endpoints]
    for index, entry in enumerate(spec.ggufs):
        runs.extend(_gguf_run(spec, entry, path) for path in expand_gguf(loaded, index, entry))
    _check_explicit_names(loaded)
    taken: set[str] = set(RESERVED_NAMES)
    for run in runs:
        base, number = run.name, 1
        while run.name in taken:
            number += 1
            run.name = f"{base}-{number}"
        taken.add(run.name)
    return runs


def _check_explicit_names(loaded: LoadedSpec) -> None:
    seen: dict[str, tuple[str, int]] = {}
    entries: list[tuple[str, int, str | None]] = [
        *(("endpoints", i, e.name) for i, e in enumerate(loaded.spec.endpoints)),
        *(("ggufs", i, g.name) for i, g in enumerate(loaded.spec.ggufs)),
    ]
    for section, index, name in entries:
        if name is None:
            continue
        if name in seen:
            raise loaded.error((section, index, "name"), f"the name {name!r} is used twice; make it unique")
        seen[name] = (section, index)
