"""Imported once into the fork server that starts the endpoint runs' processes (sweep/child.py): the
benchmark loaded and the graders' caches filled, by grading each text test's reference answer once.

Every child then starts as warm as a run in a long-lived process, instead of paying for loading the
benchmark and compiling the graders' phrase patterns again in each run (a few milliseconds per request
over a whole run, measured by benchmarks/sweep_overhead.py).
"""

from __future__ import annotations

import contextlib


def warm_up() -> None:
    """Never raises: a failure here only leaves the children cold."""
    with contextlib.suppress(Exception):
        from homesec_bench.graders import grade_answer
        from homesec_bench.suites import load_benchmark

        bench = load_benchmark()
        for test in bench.all_tests():
            if bench.suites[test.suite].modality == "text" and test.reference:
                grade_answer(test, test.reference[0], bench)


warm_up()
