"""Find llama-server, or build it once from the llama.cpp tree that PyPI's llama-cpp-python sdist vendors.

Nothing is fetched from outside the package registry: the source comes from
`pip download --no-binary :all: llama-cpp-python==VERSION`. The build is pinned by version inside the
per-user cache and reused by every later run:

    <cache>/src/llama_cpp_python-VERSION/vendor/llama.cpp   unpacked source
    <cache>/build-VERSION/                                   cmake build tree
    <cache>/build-VERSION.log                                configure + build output, kept on failure
    <cache>/bin/llama-server-VERSION                         the installed binary (statically linked)
    <cache>/build.lock                                       held while a process builds
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from homesec_bench.server.errors import ServerSetupError
from homesec_bench.server.paths import available_cores, cache_root
from homesec_bench.store.files import write_bytes_atomic

LLAMA_CPP_PYTHON_VERSION = "0.3.36"
BINARY_ENV_VAR = "HOMESEC_LLAMA_SERVER"

# GGML_NATIVE=OFF is not a tuning choice: a native build emits AMX instructions that some virtual
# machines advertise but trap, and the server dies with "invalid opcode" on its first completion.
# Static linking lets the binary be copied out of the build tree into its pinned place.
CMAKE_FLAGS = (
    "-DGGML_NATIVE=OFF",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DCMAKE_BUILD_TYPE=Release",
)

_BUILD_TIMEOUT_S = 2 * 3600
_LOCK_TIMEOUT_S = 2 * 3600
_FIX_HINT = f"or point ${BINARY_ENV_VAR} (or --llama-server) at an existing llama-server"


def pinned_binary(root: Path | None = None) -> Path:
    return (root or cache_root()) / "bin" / f"llama-server-{LLAMA_CPP_PYTHON_VERSION}"


def build_dir(root: Path | None = None) -> Path:
    return (root or cache_root()) / f"build-{LLAMA_CPP_PYTHON_VERSION}"


def build_log(root: Path | None = None) -> Path:
    return (root or cache_root()) / f"build-{LLAMA_CPP_PYTHON_VERSION}.log"


def source_dir(root: Path | None = None) -> Path:
    unpacked = (root or cache_root()) / "src" / f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}"
    return unpacked / "vendor" / "llama.cpp"


def runs(binary: Path) -> bool:
    """True when `binary --version` exits cleanly: a half-linked or wrong-CPU binary does not."""
    try:
        done = subprocess.run(
            [str(binary), "--version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def find_llama_server(explicit: str | None = None) -> Path | None:
    """An explicit path, then $HOMESEC_LLAMA_SERVER, then PATH, then the cache; None when none exists.

    A path the user named that is not runnable is an error, never silently replaced by another binary.
    """
    named_by_user = ((explicit, "--llama-server"), (os.environ.get(BINARY_ENV_VAR), f"${BINARY_ENV_VAR}"))
    for named, origin in named_by_user:
        if named:
            # A bare name ("llama-server-cuda") is looked up on PATH, as a shell would.
            located = shutil.which(named) if os.sep not in named else None
            path = Path(located or named).expanduser()
            if not (path.is_file() and os.access(path, os.X_OK)):
                raise ServerSetupError(
                    f"{origin} names {path}, which is not an executable file; fix the path or unset it"
                )
            return path.resolve()
    on_path = shutil.which("llama-server")
    if on_path:
        return Path(on_path).resolve()
    root = cache_root()
    pinned = pinned_binary(root)
    if pinned.is_file() and runs(pinned):
        return pinned
    return _adopt_build_tree(root)


def _adopt_build_tree(root: Path) -> Path | None:
    """Install a finished build found in the build tree (made by a build that was not ours to finish)."""
    built = build_dir(root) / "bin" / "llama-server"
    if not (built.is_file() and runs(built)):
        return None
    return _install(built, pinned_binary(root))


def _install(built: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Through the store's safe writer: a concurrent reader sees either no binary or a whole one, a
    # failed copy leaves no temporary file, and a target the user made a symlink stays one.
    write_bytes_atomic(target, built.read_bytes(), mode=0o755)
    return target


def ensure_llama_server(*, explicit: str | None = None, log: Callable[[str], None] = print) -> Path:
    """Find llama-server, or build it once into the cache (minutes, with progress lines through `log`)."""
    found = find_llama_server(explicit)
    if found:
        return found
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServerSetupError(
            f"cannot create the cache folder {root} ({exc.strerror}); "
            "set $HOMESEC_BENCH_CACHE to a writable folder"
        ) from None
    with _build_lock(root / "build.lock", log):
        # Whoever held the lock before us may have just finished the build.
        found = find_llama_server(explicit)
        if found:
            return found
        return _build(root, log)


@contextlib.contextmanager
def _build_lock(path: Path, log: Callable[[str], None]) -> Iterator[None]:
    with path.open("a") as handle:
        deadline = time.monotonic() + _LOCK_TIMEOUT_S
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told:
                    log(f"another process is building llama-server; waiting for it (lock: {path})")
                    told = True
                if time.monotonic() > deadline:
                    raise ServerSetupError(
                        f"gave up waiting for another llama-server build (lock {path}); "
                        "if no build is running, delete the lock file and retry"
                    ) from None
                time.sleep(2.0)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(root: Path, log: Callable[[str], None]) -> Path:
    _check_toolchain()
    src = _ensure_source(root, log)
    bdir, log_path = build_dir(root), build_log(root)
    cores = available_cores()
    low, high = max(1, round(7 * 2 / cores)), max(2, round(10 * 2 / cores))
    log(
        f"building llama-server {LLAMA_CPP_PYTHON_VERSION} (first run only, ~{low}-{high} min on "
        f"{cores} cores); log: {log_path}"
    )
    with log_path.open("a", encoding="utf-8") as out:
        out.write(f"\n=== homesec-bench: configure {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        out.flush()
        configure = [shutil.which("cmake") or "cmake", "-S", str(src), "-B", str(bdir), *CMAKE_FLAGS]
        rc = subprocess.run(
            configure, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False
        ).returncode
        if rc != 0:
            raise ServerSetupError(
                f"configuring llama-server failed (cmake exit {rc}: {_last_error_line(log_path)}); "
                f"full log: {log_path}"
            )
        out.write(f"\n=== homesec-bench: build -j{cores}\n")
        out.flush()
        command = [
            shutil.which("cmake") or "cmake",
            "--build", str(bdir), "--target", "llama-server", "-j", str(cores),
        ]  # fmt: skip
        rc = _run_with_progress(command, out, log_path, log)
    if rc != 0:
        raise ServerSetupError(
            f"building llama-server failed (exit {rc}: {_last_error_line(log_path)}); full log: {log_path}"
        )
    built = bdir / "bin" / "llama-server"
    if not runs(built):
        raise ServerSetupError(
            f"the freshly built {built} does not run (`--version` failed); full log: {log_path}; "
            f"delete {bdir} and retry, {_FIX_HINT}"
        )
    installed = _install(built, pinned_binary(root))
    log(f"llama-server {LLAMA_CPP_PYTHON_VERSION} built: {installed}")
    return installed


def _check_toolchain() -> None:
    missing = []
    if not shutil.which("cmake"):
        missing.append("cmake")
    compilers = [os.environ.get("CXX", ""), "c++", "g++", "clang++"]
    if not any(c and shutil.which(c) for c in compilers):
        missing.append("a C++ compiler")
    if missing:
        raise ServerSetupError(
            f"cannot build llama-server: {' and '.join(missing)} not found; install them "
            f"(`apt-get install cmake g++`) {_FIX_HINT}"
        )


def _ensure_source(root: Path, log: Callable[[str], None]) -> Path:
    src = source_dir(root)
    if (src / "CMakeLists.txt").is_file() and (src / "tools" / "server").is_dir():
        return src
    downloads = root / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    log(f"downloading llama-cpp-python {LLAMA_CPP_PYTHON_VERSION}'s source from PyPI (it vendors llama.cpp)")
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
        f"llama-cpp-python=={LLAMA_CPP_PYTHON_VERSION}", "-d", str(downloads),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=1800, check=False
        )
    except subprocess.TimeoutExpired:
        raise ServerSetupError(
            f"downloading llama-cpp-python {LLAMA_CPP_PYTHON_VERSION} from PyPI timed out; "
            f"check the network and retry, {_FIX_HINT}"
        ) from None
    sdist = downloads / f"llama_cpp_python-{LLAMA_CPP_PYTHON_VERSION}.tar.gz"
    if done.returncode != 0 or not sdist.is_file():
        said = _last_line(done.stderr or done.stdout) or f"exit {done.returncode}"
        raise ServerSetupError(
            f"could not download llama-cpp-python {LLAMA_CPP_PYTHON_VERSION} from PyPI (pip: {said}); "
            f"check the network and retry, {_FIX_HINT}"
        )
    _unpack(sdist, root / "src")
    if not (src / "CMakeLists.txt").is_file():
        raise ServerSetupError(
            f"{sdist.name} does not contain vendor/llama.cpp as expected; delete {root / 'src'} and retry, "
            f"{_FIX_HINT}"
        )
    return src


def _unpack(sdist: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest, prefix=".unpack-"))
    try:
        with tarfile.open(sdist) as archive:
            archive.extractall(staging, filter="data")
        for entry in staging.iterdir():
            target = dest / entry.name
            if target.exists():
                shutil.rmtree(target)
            os.replace(entry, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_PERCENT = re.compile(rb"\[\s*(\d{1,3})%\]")


def _run_with_progress(
    command: list[str], out, log_path: Path, log: Callable[[str], None], every_pct: int = 10
) -> int:
    """Run the build with output to the log, reporting progress from make's "[ NN%]" markers."""
    start = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    reported = -every_pct
    last_beat = start
    try:
        while proc.poll() is None:
            time.sleep(2.0)
            now = time.monotonic()
            if now - start > _BUILD_TIMEOUT_S:
                proc.kill()
                proc.wait()
                raise ServerSetupError(
                    f"building llama-server took over {_BUILD_TIMEOUT_S // 60} min and was stopped; "
                    f"full log: {log_path}"
                )
            pct = _latest_percent(log_path)
            if pct is not None and pct >= reported + every_pct:
                reported = pct - pct % every_pct
                log(f"  llama-server build {pct}% ({int(now - start)} s)")
                last_beat = now
            elif now - last_beat >= 60:
                log(f"  llama-server build still running ({int(now - start)} s)")
                last_beat = now
        return proc.returncode
    finally:
        # Ctrl-C or an error here must not leave a compiler running in the background.
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _latest_percent(log_path: Path) -> int | None:
    try:
        with log_path.open("rb") as handle:
            handle.seek(max(0, log_path.stat().st_size - 8192))
            tail = handle.read()
    except OSError:
        return None
    found = _PERCENT.findall(tail)
    return int(found[-1]) if found else None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _last_error_line(log_path: Path) -> str:
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log"
    for line in reversed(lines[-400:]):
        if re.search(r"\berror\b", line, re.IGNORECASE):
            return line.strip()[:200]
    return _last_line("\n".join(lines[-20:])) or "no output"
