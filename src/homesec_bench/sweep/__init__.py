"""Sweeps: many runs (endpoints x GGUF files x repeats) from one file, on this machine or a Ray cluster.

    from homesec_bench.sweep import open_sweep, run_sweep, make_executor
    result = run_sweep(open_sweep(Path("sweep.yaml"), out=Path("sweeps/q")), make_executor("local"))

One job per module: `spec` (the file's schema and its one-line errors), `plan` (runs and their names),
`state` (what is finished, resumed or failed), `local` and `ray_executor` (where runs run), `outputs`
(leaderboards and report), `driver` (all of it in order). Ray is imported only by the Ray executor.
"""

from homesec_bench.sweep.driver import (
    Sweep,
    SweepInterrupted,
    SweepResult,
    make_executor,
    open_sweep,
    plan_status,
    run_sweep,
)
from homesec_bench.sweep.local import SweepHooks
from homesec_bench.sweep.plan import PlannedRun
from homesec_bench.sweep.spec import SweepSpec, SweepSpecError, load_spec

__all__ = [
    "PlannedRun",
    "Sweep",
    "SweepHooks",
    "SweepInterrupted",
    "SweepResult",
    "SweepSpec",
    "SweepSpecError",
    "load_spec",
    "make_executor",
    "open_sweep",
    "plan_status",
    "run_sweep",
]
