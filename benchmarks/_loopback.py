"""The loopback fake OpenAI server in a process of its own, for the benchmarks that measure the harness.

In its own process the server's CPU and memory are not the harness's, so what the benchmark process
spends (time, CPU, RSS) is the harness alone.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Iterator

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


@contextlib.contextmanager
def fake_server_process(*args: str) -> Iterator[str]:
    """Start `python -m homesec_bench.testing --port 0 ARGS...`; yield its base URL.

    The server answers every benchmark test with its reference answer (see its --help for delays,
    accuracy and faults). It is always stopped on exit, killed if it does not stop in time.
    """
    command = [sys.executable, "-m", "homesec_bench.testing", "--port", "0", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        first_line: list[str] = []
        assert proc.stdout is not None
        reader = threading.Thread(target=lambda: first_line.append(proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        if not first_line or not first_line[0].startswith("http"):
            raise RuntimeError(
                f"the fake server did not print its URL within {START_TIMEOUT_S:g} s; "
                "run `python -m homesec_bench.testing` by hand to see why"
            )
        yield first_line[0].strip()
    finally:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT_S)
        if proc.stdout is not None:
            proc.stdout.close()
