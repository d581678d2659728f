"""Finding and building llama-server, with real cmake and a real compiler on a tiny stand-in project.

The real llama.cpp build takes minutes; a stand-in source tree with the same layout drives every step of
the builder (configure, build with progress, install into the pinned place, lock, errors) in seconds.
"""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from homesec_bench.server import build
from homesec_bench.server.build import (
    LLAMA_CPP_PYTHON_VERSION,
    ensure_llama_server,
    find_llama_server,
    pinned_binary,
    source_dir,
)
from homesec_bench.server.errors import ServerSetupError

needs_toolchain = pytest.mark.skipif(
    not (shutil.which("cmake") and (shutil.which("c++") or shutil.which("g++"))),
    reason="needs cmake and a C++ compiler",
)

_CMAKELISTS = """
cmake_minimum_required(VERSION 3.14)
project(standin CXX)
add_executable(llama-server main.cpp)
set_target_properties(llama-server PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
"""
_MAIN = '#include <cstdio>\nint main() { std::puts("version: stand-in"); return 0; }\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("HOMESEC_BENCH_CACHE", str(root))
    monkeypatch.delenv(build.BINARY_ENV_VAR, raising=False)
    # Only the toolchain on PATH: a llama-server installed on this machine must not be found instead.
    tools = tmp_path / "toolbin"
    tools.mkdir()
    for name in ("cmake", "make", "c++", "g++", "cc", "gcc", "ld", "as", "ninja"):
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    monkeypatch.setenv("PATH", str(tools))
    return root


def _script(path: Path, exit_code: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _standin_source(root: Path, cmakelists: str = _CMAKELISTS) -> Path:
    src = source_dir(root)
    (src / "tools" / "server").mkdir(parents=True)
    (src / "CMakeLists.txt").write_text(cmakelists)
    (src / "main.cpp").write_text(_MAIN)
    return src


# --------------------------------------------------------------------------------------------- finding


def test_an_explicit_path_that_does_not_run_is_an_error(cache: Path, tmp_path: Path) -> None:
    not_executable = tmp_path / "llama-server"
    not_executable.write_text("")
    with pytest.raises(ServerSetupError, match="not an executable file"):
        find_llama_server(str(not_executable))
    with pytest.raises(ServerSetupError, match="not an executable file"):
        find_llama_server(str(tmp_path / "missing"))


def test_explicit_then_env_then_path_then_cache(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_llama_server() is None
    pinned = _script(pinned_binary(cache), 0)
    assert find_llama_server() == pinned
    on_path = _script(tmp_path / "toolbin" / "llama-server", 0)
    assert find_llama_server() == on_path.resolve()
    from_env = _script(tmp_path / "env" / "llama-server", 0)
    monkeypatch.setenv(build.BINARY_ENV_VAR, str(from_env))
    assert find_llama_server() == from_env.resolve()
    explicit = _script(tmp_path / "explicit" / "llama-server", 0)
    assert find_llama_server(str(explicit)) == explicit.resolve()


def test_a_finished_build_tree_is_adopted_into_the_pinned_place(cache: Path) -> None:
    built = _script(build.build_dir(cache) / "bin" / "llama-server", 0)
    found = find_llama_server()
    assert found == pinned_binary(cache) == cache / "bin" / f"llama-server-{LLAMA_CPP_PYTHON_VERSION}"
    assert found.read_bytes() == built.read_bytes()


def test_an_unfinished_build_tree_is_not_adopted(cache: Path) -> None:
    # A binary that cannot even answer --version (half linked, wrong CPU) is not a finished build.
    _script(build.build_dir(cache) / "bin" / "llama-server", 1)
    assert find_llama_server() is None
    assert not pinned_binary(cache).exists()


# --------------------------------------------------------------------------------------------- building


@needs_toolchain
def test_builds_once_reports_progress_and_installs(cache: Path) -> None:
    _standin_source(cache)
    lines: list[str] = []
    installed = ensure_llama_server(log=lines.append)
    assert installed == pinned_binary(cache) and os.access(installed, os.X_OK)
    assert lines[0].startswith(f"building llama-server {LLAMA_CPP_PYTHON_VERSION} (first run only, ~")
    assert str(build.build_log(cache)) in lines[0]
    assert any("llama-server build 100%" in line for line in lines)
    assert lines[-1].endswith(str(installed))
    # The stand-in ignores the flag, but cmake records every -D it was given.
    assert "GGML_NATIVE:UNINITIALIZED=OFF" in (build.build_dir(cache) / "CMakeCache.txt").read_text()
    again: list[str] = []
    assert ensure_llama_server(log=again.append) == installed
    assert again == [], "a second call must reuse the cached build silently"


@needs_toolchain
def test_two_concurrent_callers_build_only_once(cache: Path) -> None:
    _standin_source(cache)
    logs: list[list[str]] = [[], []]
    results: list[Path | BaseException] = []

    def call(index: int) -> None:
        try:
            results.append(ensure_llama_server(log=logs[index].append))
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert results == [pinned_binary(cache)] * 2
    builds = [log for log in logs if any(line.startswith("building llama-server") for line in log)]
    assert len(builds) == 1, logs
    assert build.build_log(cache).read_text().count("=== homesec-bench: configure") == 1


@needs_toolchain
def test_a_failing_build_keeps_and_names_its_log(cache: Path) -> None:
    _standin_source(cache, _CMAKELISTS.replace("add_executable", 'message(FATAL_ERROR "stand-in boom")\n#'))
    with pytest.raises(ServerSetupError) as caught:
        ensure_llama_server(log=lambda line: None)
    message = str(caught.value)
    log_path = build.build_log(cache)
    assert "configuring llama-server failed" in message and f"full log: {log_path}" in message
    assert "\n" not in message
    assert "stand-in boom" in log_path.read_text()


@needs_toolchain
def test_a_compile_error_is_a_build_failure(cache: Path) -> None:
    src = _standin_source(cache)
    (src / "main.cpp").write_text("int main( { this is not C++ }\n")
    with pytest.raises(ServerSetupError, match=r"building llama-server failed \(exit \d+: .*error"):
        ensure_llama_server(log=lambda line: None)
    assert not pinned_binary(cache).exists()


def test_no_cmake_says_what_to_install(cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("CXX", raising=False)
    with pytest.raises(ServerSetupError) as caught:
        ensure_llama_server(log=lambda line: None)
    message = str(caught.value)
    assert "cmake and a C++ compiler not found" in message and "apt-get install cmake g++" in message


@needs_toolchain
def test_a_download_failure_is_one_line(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No source in the cache, and pip pointed at a closed loopback port: the download must fail fast.
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "2")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", "")
    with pytest.raises(ServerSetupError) as caught:
        ensure_llama_server(log=lambda line: None)
    message = str(caught.value)
    assert message.startswith(f"could not download llama-cpp-python {LLAMA_CPP_PYTHON_VERSION} from PyPI")
    assert "\n" not in message
