"""The sweep file and its plan: one-line errors naming the line, run names, the shipped examples.

Nothing here runs a benchmark.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sweep_support import fake_gguf, write_sweep

from homesec_bench.suites import load_benchmark
from homesec_bench.sweep import SweepSpecError, load_spec, open_sweep
from homesec_bench.sweep.ray_executor import task_options

BENCH = load_benchmark()


def _spec_error(tmp_path: Path, body: str) -> str:
    with pytest.raises(SweepSpecError) as caught:
        open_sweep(write_sweep(tmp_path, body), out=tmp_path / "out", bench=BENCH)
    message = str(caught.value)
    assert "\n" not in message and str(tmp_path / "sweep.yaml") in message
    return message


# ------------------------------------------------------------------------------------------ the file


def test_a_typo_key_names_its_line_and_the_fix(tmp_path: Path) -> None:
    message = _spec_error(
        tmp_path,
        """
        endpoints:
          - preset: ollama
            modle: qwen3:8b
        """,
    )
    assert "line 3" in message and "'modle'" in message and "did you mean 'model'?" in message


def test_a_wrong_type_names_its_line(tmp_path: Path) -> None:
    message = _spec_error(
        tmp_path,
        """
        repeat: 2
        endpoints:
          - preset: ollama
            concurrency: four
        """,
    )
    assert "line 4" in message and "endpoints[0].concurrency" in message and "'four'" in message


def test_a_glob_that_matches_nothing_names_its_line(tmp_path: Path) -> None:
    fake_gguf(tmp_path / "models" / "qwen-Q4_K_M.gguf")
    message = _spec_error(
        tmp_path,
        """
        ggufs:
          - models/qwen-*.gguf
          - path: models/llama-*.gguf
            threads: 2
        """,
    )
    assert "line 3" in message and "ggufs[1]" in message and "matches no file" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("endpoints: [\n", "line 2: not valid YAML"),
        ("endpoints:\n  - preset: ollama\n    preset: vllm\n", "line 3: the key 'preset' is given twice"),
        ("endpoints:\n  - preset: nope\n", "line 2: endpoints[0].preset: unknown preset 'nope'"),
        ("endpoints:\n  - model: m\n", "line 2: endpoints[0]: an endpoint needs a preset or a base_url"),
        ("endpoints:\n  - base_url: ftp://host\n", "line 2: endpoints[0].base_url: must be an http"),
        ("suites: [tool_use, nope]\nendpoints: [{preset: ollama}]\n", "line 1: suites[1]: unknown suite"),
        ("tests: [nope]\nendpoints: [{preset: ollama}]\n", "line 1: tests[0]: unknown test 'nope'"),
        ("repeat: 0\nendpoints: [{preset: ollama}]\n", "line 1: repeat: Input should be greater than"),
        ("name: pair\n", "the sweep has no runs"),
        (
            "endpoints:\n  - {preset: ollama, name: a}\n  - {preset: vllm, name: a}\n",
            "line 3: endpoints[1].name: the name 'a' is used twice",
        ),
    ],
)
def test_other_mistakes_are_one_line_errors_with_their_line(tmp_path: Path, body: str, expected: str) -> None:
    assert expected in _spec_error(tmp_path, body)


# ------------------------------------------------------------------------------------------ the plan


def test_the_plan_names_runs_stably_uniquely_and_safely(tmp_path: Path) -> None:
    for quant in ("Q8_0", "Q4_K_M"):
        fake_gguf(tmp_path / "models" / f"Qwen3 8B-{quant}.gguf")
    path = write_sweep(
        tmp_path,
        """
        repeat: 3
        endpoints:
          - {preset: openai, model: gpt-4.1-mini}
          - {preset: openai, model: gpt-4.1-mini, extra_body: {seed: 1}}
          - {base_url: "http://10.0.0.5:8080/v1", model: "org/Model:7b"}
          - {preset: ollama, name: report.html}
        ggufs:
          - path: models/*.gguf
            resources: {num_gpus: 1, llama_slot: 1}
        """,
    )
    runs = open_sweep(path, out=tmp_path / "out", bench=BENCH).runs
    names = [run.name for run in runs]
    assert names == [
        "openai--gpt-4.1-mini",
        "openai--gpt-4.1-mini-2",
        "10.0.0.5-8080--org-model-7b",
        "report.html-2",  # a name the sweep's own files use is never a run's
        "gguf--qwen3-8b-q4_k_m",
        "gguf--qwen3-8b-q8_0",
    ]
    assert names == [run.name for run in open_sweep(path, out=tmp_path / "o", bench=BENCH).runs]
    assert [run.provider for run in runs[:4]] == ["openai", "openai", "10.0.0.5", "ollama"]
    assert all(run.config.repeat == 3 for run in runs)  # repeats are the run's own
    assert (
        runs[4].managed and runs[4].server is not None and runs[4].server.gguf.name == "Qwen3 8B-Q4_K_M.gguf"
    )
    assert task_options(runs[4].resources) == {
        "num_cpus": 1,
        "num_gpus": 1,
        "max_retries": 0,
        "resources": {"llama_slot": 1},
    }


def test_the_shipped_example_and_the_documented_one_are_valid_sweep_files() -> None:
    root = Path(__file__).parents[1]
    assert load_spec(root / "examples" / "sweep.yaml").spec.ggufs
    docs = (root / "docs" / "sweeps.md").read_text()
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert load_spec(root / "docs" / "sweeps.md", text=example).spec.endpoints
