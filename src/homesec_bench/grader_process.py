"""The grader process of a concurrent run (runner/grading.py says why it exists), and its framing.

    python -m homesec_bench.grader_process

Reads the benchmark, then (number, test id, answer) frames from stdin until its end, and writes a
(number, verdict) frame to stdout for each; the verdict is None for a test id it does not know. Each
frame is a length and a pickle, passed only between a run and the process it started itself.

Light to import on purpose: the run imports the framing from here before its first request, and the
graders load only inside `main`.
"""

from __future__ import annotations

import pickle
import signal
import struct
import sys
from typing import IO, Any

HEADER = struct.Struct(">Q")  # the length of the pickled frame that follows


def encode_frame(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def decode_payload(payload: bytes) -> Any:
    return pickle.loads(payload)  # frames come only from the run or the process it started


def read_frame(stream: IO[bytes]) -> Any:
    """The next frame from a blocking stream; None at its end."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return decode_payload(payload)


def main() -> int:
    # Ctrl-C reaches the whole process group: the run decides what happens, and this process ends
    # when its input does.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by accident can land inside a frame
    from homesec_bench.graders import grade_answer

    bench = read_frame(source)
    if bench is None:
        return 0
    tests = {test.id: test for test in bench.all_tests()}
    while (message := read_frame(source)) is not None:
        number, test_id, answer = message
        test = tests.get(test_id)
        verdict = grade_answer(test, answer, bench) if test is not None else None
        sink.write(encode_frame((number, verdict)))
        sink.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
