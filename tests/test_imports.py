"""What a start imports: a text-only run loads no Pillow and no numpy, nothing it does not need before its
first request, `--help` loads no command module, and the top-level help lists every command with its
own one-line help."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from homesec_bench.cli.app import COMMANDS, app, load_commands

HEAVY = ["PIL", "numpy"]


def _python(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run `code` in a fresh interpreter; it prints one JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def fake_server_url():
    """The loopback fake server in a process of its own, so its imports are not the run's."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "homesec_bench.testing", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        line: list[str] = []
        assert proc.stdout is not None
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(60)
        assert line and line[0].startswith("http"), "the fake server printed no URL"
        yield line[0].strip()
    finally:
        proc.terminate()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_text_only_cli_run_imports_no_pillow_or_numpy(fake_server_url, tmp_path: Path):
    out = tmp_path / "run"
    seen = _python(
        f"""
        import json, sys
        sys.argv = ["homesec-bench", "run", "--base-url", {fake_server_url!r}, "--suite",
                    "topic_classification", "--out", {str(out)!r}]
        from homesec_bench.cli import main
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        else:
            code = 0
        print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
        """,
        env={"HOMESEC_BENCH_NO_CACHE": "1"},  # the full load, vision suite built from its manifest
    )
    assert seen == {"code": 0, "loaded": []}
    assert (out / "results.jsonl").is_file()


# Needed only once answers arrive (graders, reports), for other commands, or on a cold cache (YAML, Jinja).
NOT_BEFORE_FIRST_REQUEST = [
    *HEAVY,
    "jinja2",
    "yaml",
    "jsonschema",
    "markdown_it",
    "pygments",
    "httpx",
    "homesec_bench.graders",
    "homesec_bench.vision",
    "homesec_bench.reports.summary",
    "homesec_bench.client.anthropic",
]
# Built on first use (models.py); a run's first request needs none of them.
UNBUILT_BEFORE_FIRST_REQUEST = ["TestCase", "Suite", "Message", "ModelAnswer", "Verdict"]


def test_a_run_sends_its_first_request_before_loading_what_answers_need(
    fake_server_url, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("HOMESEC_BENCH_NO_CACHE", raising=False)
    env = {"HOMESEC_BENCH_CACHE": str(tmp_path / "cache")}
    _python("import homesec_bench as hb; hb.load_benchmark(); print('{}')", env=env)  # fills the cache
    seen = _python(
        f"""
        import json, os, sys
        from homesec_bench.client.chat import ChatClient

        async def first(self, body):  # the first chat request (the warm-up), stopped before it is sent
            import homesec_bench.models as models
            loaded = [m for m in {NOT_BEFORE_FIRST_REQUEST!r} if m in sys.modules]
            built = [n for n in {UNBUILT_BEFORE_FIRST_REQUEST!r} if getattr(models, n).__pydantic_complete__]
            print(json.dumps({{"loaded": loaded, "built": built}}), flush=True)
            os._exit(0)

        ChatClient.complete = first
        sys.argv = ["homesec-bench", "run", "--base-url", {fake_server_url!r}, "--suite",
                    "topic_classification", "--out", {str(tmp_path / "run")!r}]
        from homesec_bench.cli import main
        main()
        """,
        env=env,
    )
    assert seen == {"loaded": [], "built": []}


def test_the_library_and_graders_load_no_vision_until_a_vision_test_is_graded():
    seen = _python(
        f"""
        import json, sys
        import homesec_bench as hb
        bench = hb.load_benchmark()
        test = bench.suites["topic_classification"].tests[0]
        text_ok = hb.grade_answer(test, test.reference[0], bench).passed
        before = [m for m in ["homesec_bench.graders.vision", *{HEAVY!r}] if m in sys.modules]
        vision = bench.suites["vision"].tests[0]
        vision_ok = hb.grade_answer(vision, vision.reference[0], bench).passed
        after = "homesec_bench.graders.vision" in sys.modules
        print(json.dumps({{"text": text_ok, "before": before, "vision": vision_ok, "after": after}}))
        """,
        env={"HOMESEC_BENCH_NO_CACHE": "1"},
    )
    assert seen == {"text": True, "before": [], "vision": True, "after": True}


def test_top_level_help_imports_no_command_module():
    seen = _python(
        """
        import contextlib, io, json, sys
        sys.argv = ["homesec-bench", "--help"]
        from homesec_bench.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
            main()
        from homesec_bench.cli.app import COMMANDS
        loaded = sorted(m for m in sys.modules if m.startswith("homesec_bench.cli.commands"))
        text = " ".join(out.getvalue().split())
        # every command's whole line of help, never cut to fit ("...")
        cut = [name for name, (_, help) in COMMANDS.items() if f"{name} {help}" not in text]
        print(json.dumps({"loaded": loaded, "cut": cut, "rich_help": "typer.rich_utils" in sys.modules}))
        """,
        env={"COLUMNS": "80"},
    )
    # The listing is click's plain help: Typer's rich help imports markdown-it and pygments, a third of
    # the command's start (issue 12); each command's own --help keeps its panels.
    assert seen == {"loaded": [], "cut": [], "rich_help": False}


def test_the_command_table_matches_the_commands():
    load_commands()
    registered = {info.name: info for info in app.registered_commands}
    assert set(registered) == set(COMMANDS)
    for name, (module, text) in COMMANDS.items():
        callback = registered[name].callback
        assert callback is not None and callback.__module__ == f"homesec_bench.cli.{module}"
        doc = inspect.getdoc(callback) or ""
        assert " ".join(doc.split("\n\n")[0].split()) == text, name


def test_the_public_api_resolves_and_import_homesec_bench_is_cheap():
    seen = _python(
        """
        import json, sys
        import homesec_bench as hb
        cheap = [m for m in ("pydantic", "typer", "aiohttp", "homesec_bench.runner") if m in sys.modules]
        missing = [n for n in hb.__all__ if getattr(hb, n, None) is None]
        extra = sorted(set(hb.__all__) - set(hb._EXPORTS))
        print(json.dumps({"cheap": cheap, "missing": missing, "all": extra}))
        """
    )
    assert seen == {"cheap": [], "missing": [], "all": ["__version__"]}


def test_the_cached_benchmark_is_the_benchmark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from homesec_bench.suites import loader

    monkeypatch.setenv("HOMESEC_BENCH_CACHE", str(tmp_path))
    monkeypatch.delenv("HOMESEC_BENCH_NO_CACHE", raising=False)
    fresh = loader._load(loader.DATA_DIR.resolve())
    key = loader._packaged_key()
    loader._write_cache(key, fresh)
    cached = loader._read_cache(key)
    assert cached is not None and cached is not fresh
    assert cached.content_hash == fresh.content_hash and cached.suites == fresh.suites
    assert cached.world == fresh.world and cached.tools == fresh.tools
    assert loader._read_cache("another key") is None  # changed code, data or frames: loaded again
    (tmp_path / "benchmark.pickle").write_bytes(b"not a pickle")
    assert loader._read_cache(key) is None
