"""Results on disk: the run directory is the single source every report is rebuilt from."""

from homesec_bench.store.run_dir import LoadedRun, RunWriter, StoreError, load_run

__all__ = ["LoadedRun", "RunWriter", "StoreError", "load_run"]
