"""Load the declarative suites: world, tool catalogue and test files, rendered and validated.

A broken suite file is a `SuiteError` whose message names the file (and line, where YAML knows it),
never a traceback.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic.version import VERSION as PYDANTIC_VERSION

from homesec_bench.hashing import stable_hash, test_hash
from homesec_bench.models import Suite, TestCase

if TYPE_CHECKING:
    import jinja2

BENCHMARK_VERSION = "1.0"
DATA_DIR = Path(str(resources.files("homesec_bench.suites") / "data"))
RESERVED_FILES = {"world.yaml", "tools.yaml"}
# Far beyond any real suite file (the largest is 12 levels deep and about 2,000 values).
_MAX_DEPTH = 64
_MAX_VALUES = 200_000
_MAX_RENDERED_CHARS = 1_000_000
_MAX_POWER_BITS = 100_000

# The order suites run in (and are listed in). Suites sharing a long system prompt sit together so a
# server's prompt cache can reuse the prefix.
SUITE_ORDER = [
    "context_preprocessing",
    "topic_classification",
    "knowledge_distillation",
    "event_deduplication",
    "tool_use",
    "chat_json_compliance",
    "security_classification",
    "narrative_synthesis",
    "prompt_injection",
    "multi_turn_reasoning",
    "error_recovery",
    "privacy_compliance",
    "alert_routing",
    "knowledge_injection",
    "vlm_alert_triage",
    "vision",
]


class SuiteError(ValueError):
    """A suite, world or tool file that cannot be used; the message names the file and the fix."""


class UnknownSelectionError(SuiteError):
    """A suite name or test id that the benchmark does not have."""


@dataclass
class Benchmark:
    """Everything a run needs from the data side, loaded once."""

    world: dict[str, Any]
    tools: dict[str, dict[str, Any]]
    suites: dict[str, Suite]
    version: str = BENCHMARK_VERSION
    content_hash: str = ""
    data_dir: Path = field(default=DATA_DIR)
    # Each test's `test_hash` by id, computed when the benchmark is assembled and kept in its cache: a run
    # records them before its first request, and hashing a test there would build the test models first.
    test_hashes: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def all_tests(self) -> list[TestCase]:
        return [t for s in self.suites.values() for t in s.tests]

    def test(self, test_id: str) -> TestCase:
        for t in self.all_tests():
            if t.id == test_id:
                return t
        raise KeyError(test_id)

    def select(self, suites: list[str] | None = None, test_ids: list[str] | None = None) -> list[TestCase]:
        """Tests chosen by suite name and/or test id, in benchmark order; unknown names are errors."""
        if suites:
            unknown = [s for s in suites if s not in self.suites]
            if unknown:
                raise UnknownSelectionError(
                    f"unknown suite {', '.join(unknown)}; run `homesec-bench list` to see the suites"
                )
        tests = [t for s in self.suites.values() if not suites or s.name in suites for t in s.tests]
        if test_ids:
            known = {t.id for t in self.all_tests()}
            unknown = [i for i in test_ids if i not in known]
            if unknown:
                raise UnknownSelectionError(
                    f"unknown test id {', '.join(unknown)}; run `homesec-bench list` to see the test ids"
                )
            wanted = set(test_ids)
            tests = [t for t in tests if t.id in wanted]
        return tests


@cache
def strict_yaml_loader() -> Any:
    """A safe YAML loader that refuses a key given twice in one mapping: YAML keeps only one of them, so
    a test's second `text_never_says` would silently drop the first (it happened; blind set L)."""
    import yaml

    # libyaml parses the suites about 30x faster than pure Python, which every cache miss pays for.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = loader.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line)
            except TypeError:  # an unhashable key: the constructor below says so
                continue
            if first != key_node.start_mark.line:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {first + 1})", key_node.start_mark
                )
        return base.construct_mapping(loader, node, deep=deep)

    strict: Any = type("StrictSafeLoader", (base,), {})
    strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return strict


def _read_yaml(path: Path) -> Any:
    import yaml  # only when the packaged benchmark is not in the cache, or for a --suites-dir

    loader = strict_yaml_loader()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError(f"{path}: cannot read the file ({exc}); check it exists and is UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SuiteError(f"{path}{where}: malformed YAML ({problem}); fix the syntax there") from None
    except RecursionError:
        raise SuiteError(f"{path}: nested too deeply to be a suite file; flatten it") from None
    _check_shape(data, path)
    return data


def _check_shape(data: Any, path: Path) -> None:
    """Refuse what would crash or swamp the steps after parsing: aliases that refer to themselves,
    alias bombs (a few lines that expand to millions of values) and absurd nesting.

    Iterative on purpose: a recursive walk would itself fail on the input it guards against.
    """
    # Per container, memoised by identity (an alias is the same object): values and levels it holds.
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    open_ids: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(data, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if not isinstance(node, dict | list):
            continue
        key = id(node)
        children = list(node.values()) if isinstance(node, dict) else node
        if children_done:
            open_ids.discard(key)
            size = len(children) + sum(sizes.get(id(c), 0) for c in children)
            if size > _MAX_VALUES:
                raise SuiteError(
                    f"{path}: expands to more than {_MAX_VALUES:,} values (an alias bomb?); "
                    "write the data out plainly"
                )
            # Heights, not just the depth where a node was first met: aliases can stack nesting.
            height = 1 + max((heights.get(id(c), 0) for c in children), default=0)
            if height > _MAX_DEPTH:
                raise SuiteError(f"{path}: nested more than {_MAX_DEPTH} levels deep; flatten it")
            sizes[key] = size
            heights[key] = height
            continue
        if key in open_ids:
            raise SuiteError(f"{path}: a YAML alias refers to itself; remove the cycle")
        if key in sizes:
            continue
        if depth > _MAX_DEPTH:
            raise SuiteError(f"{path}: nested more than {_MAX_DEPTH} levels deep; flatten it")
        open_ids.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


@lru_cache(maxsize=1)
def _templates_class() -> type[jinja2.Environment]:
    """The sandboxed environment, built on first use so that a start that hits the cache skips Jinja."""
    import jinja2.sandbox

    class _Templates(jinja2.sandbox.ImmutableSandboxedEnvironment):
        """Placeholders that cannot reach Python internals, nor build a gigabyte with `"a" * 10**9`."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            ints = [v for v in (left, right) if isinstance(v, int) and not isinstance(v, bool)]
            sized = [v for v in (left, right) if isinstance(v, str | list | tuple)]
            if operator == "**":
                too_big = len(ints) == 2 and right > 0 and left.bit_length() * right > _MAX_POWER_BITS
            else:
                too_big = bool(sized and ints) and len(sized[0]) * max(ints[0], 0) > _MAX_RENDERED_CHARS
            if too_big:
                raise jinja2.sandbox.SecurityError(f"`{operator}` would build too large a value")
            return super().call_binop(context, operator, left, right)

    return _Templates


_JINJA_MARKS = ("{{", "{%", "{#")
_LINE_END = re.compile(r"\r\n|\r|\n")


def _render(template: str, env: jinja2.Environment, variables: dict[str, Any], where: str) -> str:
    if not any(mark in template for mark in _JINJA_MARKS):
        # What Jinja would return for plain text (line ends normalised, one trailing newline cut),
        # without compiling it: most messages have no placeholder, and compiling them all was a
        # third of every CLI start.
        lines = _LINE_END.split(template)
        if lines[-1] == "":
            del lines[-1]
        return "\n".join(lines)
    import jinja2

    try:
        return env.from_string(template).render(**variables)
    except jinja2.TemplateError as exc:
        raise SuiteError(f"{where}: bad placeholder in message ({exc}); see docs/test-format.md") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError, MemoryError) as exc:
        # Expressions inside a placeholder ({{ 1/0 }}) fail with ordinary Python errors.
        raise SuiteError(
            f"{where}: placeholder failed to render ({type(exc).__name__}); see docs/test-format.md"
        ) from None


def _render_messages(
    raw_messages: Any, env: jinja2.Environment, variables: dict[str, Any], where: str
) -> list[dict[str, Any]]:
    if not isinstance(raw_messages, list):
        raise SuiteError(f"{where}: `messages` must be a list of messages")
    rendered = []
    for i, msg in enumerate(raw_messages):
        if not isinstance(msg, dict):
            raise SuiteError(f"{where}: message {i} must be a mapping with `role` and `content`")
        msg = dict(msg)
        content = msg.get("content")
        if isinstance(content, str):
            msg["content"] = _render(content, env, variables, f"{where} message {i}")
        elif isinstance(content, dict) and msg.get("role") == "tool":
            # default=str: an unquoted YAML date in a tool result becomes its text, not a crash.
            msg["content"] = json.dumps(content, ensure_ascii=False, default=str)
        elif isinstance(content, list):
            parts = []
            for part in content:
                if (
                    isinstance(part, dict)
                    and part.get("type") == "text"
                    and isinstance(part.get("text"), str)
                ):
                    part = {**part, "text": _render(part["text"], env, variables, f"{where} message {i}")}
                parts.append(part)
            msg["content"] = parts
        rendered.append(msg)
    return rendered


def _format_validation_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{loc}: {first['msg']}"


def load_suite_file(path: Path, world: dict[str, Any], tools: dict[str, dict[str, Any]]) -> Suite:
    data = _read_yaml(path)
    if not isinstance(data, dict) or "suite" not in data or "tests" not in data:
        raise SuiteError(f"{path}: a suite file needs `suite`, `title`, `version` and `tests`")
    # Sandboxed: a suite file is data, and its placeholders must not reach Python internals.
    import jinja2

    env = _templates_class()(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    variables = {"world": world, "blocks": world.get("blocks", {})}
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SuiteError(f"{path}: `defaults` must be a mapping of test fields")
    suite_name = data["suite"]
    tests: list[TestCase] = []
    seen: set[str] = set()
    raw_tests = data["tests"]
    if not isinstance(raw_tests, list):
        raise SuiteError(f"{path}: `tests` must be a list")
    for index, raw in enumerate(raw_tests):
        if not isinstance(raw, dict):
            raise SuiteError(f"{path}: test {index} must be a mapping")
        where = f"{path} test {raw.get('id', index)}"
        merged = _deep_merge(defaults, raw)
        merged.setdefault("suite", suite_name)
        merged["messages"] = _render_messages(merged.get("messages"), env, variables, where)
        merged["source_file"] = path.name
        try:
            test = TestCase.model_validate(merged)
        except ValidationError as exc:
            raise SuiteError(f"{where}: invalid test ({_format_validation_error(exc)})") from None
        if not test.id.startswith(f"{suite_name}."):
            raise SuiteError(f"{where}: test id must start with `{suite_name}.`")
        if test.id in seen:
            raise SuiteError(f"{where}: duplicate test id")
        seen.add(test.id)
        missing_tools = [name for name in test.tools if name not in tools]
        if missing_tools:
            raise SuiteError(f"{where}: unknown tool {', '.join(missing_tools)}; add it to tools.yaml")
        tests.append(test)
    try:
        suite = Suite(
            name=suite_name,
            title=data.get("title", suite_name),  # type: ignore[arg-type]  # validated by the model
            description=data.get("description", ""),
            version=str(data.get("version", "1")),
            modality=data.get("modality", "text"),
            tests=tests,
        )
    except ValidationError as exc:
        raise SuiteError(f"{path}: invalid suite header ({_format_validation_error(exc)})") from None
    suite.content_hash = stable_hash(
        {
            "version": suite.version,
            "tests": [test_hash(t) for t in tests],
            "tools": sorted({n for t in tests for n in t.tools}),
        }
    )
    return suite


def load_benchmark(data_dir: Path | None = None) -> Benchmark:
    """Load and validate every suite file in `data_dir` (the packaged suites by default)."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    return _load_cached(str(data_dir.resolve()))


@lru_cache(maxsize=8)
def _load_cached(data_dir_text: str) -> Benchmark:
    data_dir = Path(data_dir_text)
    if data_dir != DATA_DIR.resolve():
        return _load(data_dir)
    # The packaged suites are loaded once per installation and change of code or data, then read back
    # from the user cache: parsing, templating and building the vision suite cost most of a start-up.
    key = _packaged_key()
    cached = _read_cache(key)
    if cached is not None:
        return cached
    bench = _load(data_dir)
    _write_cache(key, bench)
    return bench


_CACHE_FILE = "benchmark.pickle"


def _cache_path() -> Path:
    from homesec_bench.server.paths import cache_root

    return cache_root() / _CACHE_FILE


def _packaged_key() -> str:
    """A digest of everything a packaged load depends on: the data, the frames and the package's code."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{BENCHMARK_VERSION}|{sys.version}|pydantic {PYDANTIC_VERSION}".encode())
    for path in sorted(DATA_DIR.rglob("*.yaml")):
        digest.update(f"{path.relative_to(DATA_DIR)}|".encode())
        digest.update(path.read_bytes())
    for path in sorted([*package.rglob("*.py"), *(package / "vision" / "fixtures").iterdir()]):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
    return digest.hexdigest()


def _read_cache(key: str) -> Benchmark | None:
    if os.environ.get("HOMESEC_BENCH_NO_CACHE"):
        return None
    try:
        with _cache_path().open("rb") as fh:
            stored_key, bench = pickle.load(fh)
    except Exception:  # missing, unreadable or from another version: load from the files instead
        return None
    return bench if stored_key == key and isinstance(bench, Benchmark) else None


def _write_cache(key: str, bench: Benchmark) -> None:
    if os.environ.get("HOMESEC_BENCH_NO_CACHE"):
        return
    path = _cache_path()
    with contextlib.suppress(OSError, pickle.PicklingError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{_CACHE_FILE}.{os.getpid()}")
        tmp.write_bytes(pickle.dumps((key, bench), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)


def _load(data_dir: Path) -> Benchmark:
    world = _read_yaml(data_dir / "world.yaml")
    tools = _read_yaml(data_dir / "tools.yaml")
    if not isinstance(world, dict) or not isinstance(tools, dict):
        raise SuiteError(f"{data_dir}: world.yaml and tools.yaml must each be a mapping")
    for name, spec in tools.items():
        if not isinstance(spec, dict) or "description" not in spec or "parameters" not in spec:
            raise SuiteError(f"{data_dir / 'tools.yaml'}: tool {name} needs `description` and `parameters`")
    suites: dict[str, Suite] = {}
    for path in sorted(data_dir.glob("*.yaml")):
        if path.name in RESERVED_FILES:
            continue
        suite = load_suite_file(path, world, tools)
        if suite.name in suites:
            raise SuiteError(f"{path}: suite `{suite.name}` is defined twice")
        suites[suite.name] = suite
    if data_dir == DATA_DIR.resolve() and "vision" not in suites:
        suites["vision"] = _vision_suite(None)
    return _assemble(world, tools, suites, data_dir)


def with_vision(bench: Benchmark, fixtures_dir: Path | None = None) -> Benchmark:
    """`bench` with its vision suite built from the frames in `fixtures_dir` (the packaged ones by default).

    A user's own frames (`--fixtures`) replace the packaged vision suite; the benchmark hash changes
    with them, computed exactly as for the packaged suites.
    """
    suites = dict(bench.suites)
    suites["vision"] = _vision_suite(fixtures_dir)
    return _assemble(bench.world, bench.tools, suites, bench.data_dir)


def _vision_suite(fixtures_dir: Path | None) -> Suite:
    """The one place the vision suite is built: from a frames manifest, not written as YAML."""
    from homesec_bench.vision.suite import build_vision_suite

    return build_vision_suite(fixtures_dir)


def _assemble(
    world: dict[str, Any], tools: dict[str, dict[str, Any]], suites: dict[str, Suite], data_dir: Path
) -> Benchmark:
    ordered = {name: suites[name] for name in SUITE_ORDER if name in suites}
    ordered.update({name: s for name, s in suites.items() if name not in ordered})
    bench_hash = stable_hash(
        {
            "version": BENCHMARK_VERSION,
            "world": world,
            "tools": tools,
            "suites": {n: s.content_hash for n, s in ordered.items()},
        }
    )
    hashes = {t.id: test_hash(t) for s in ordered.values() for t in s.tests}
    return Benchmark(
        world=world,
        tools=tools,
        suites=ordered,
        content_hash=bench_hash,
        data_dir=data_dir,
        test_hashes=hashes,
    )
