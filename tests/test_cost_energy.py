"""Cost per run from a price file, and energy per run from NVML / powercap (a fake powercap tree)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from homesec_bench.models import EnergyUse
from homesec_bench.reports.cost import PriceError, load_prices, run_cost
from homesec_bench.reports.leaderboard import build_leaderboard, to_csv, to_markdown
from homesec_bench.reports.summary import summarize
from homesec_bench.server.energy import EnergyMeter, combine, powercap_source
from homesec_bench.store import load_run
from homesec_bench.testing.synthetic import make_info, result, write_run


def _run(tmp_path: Path, name: str, *, model: str, locality: str = "cloud", base_url: str, **fields):
    info = make_info(name, model, locality=locality, base_url=base_url)
    for key, value in fields.items():
        setattr(info, key, value)
    results = [
        result("tool_use.a", "pass"),
        result("tool_use.b", "pass"),
        result("tool_use.c", "fail"),
    ]
    return summarize(load_run(write_run(tmp_path / name, info, results)))


# ------------------------------------------------------------------------------------------------ cost


def test_cost_is_tokens_times_the_listed_price(tmp_path):
    summary = _run(tmp_path, "r1", model="gpt-4o-mini", base_url="https://api.openai.com/v1")
    cost = run_cost(summary, load_prices())
    # 3 requests x 300 prompt tokens at $0.15/M + 3 x 40 output tokens at $0.60/M
    assert cost.usd == pytest.approx((900 * 0.15 + 120 * 0.60) / 1e6)
    assert cost.per_passed_test_usd == pytest.approx(cost.usd / 2)
    assert cost.price is not None and cost.price.source.startswith("https://") and cost.price.as_of


def test_a_snapshot_id_matches_its_pattern_and_the_host_finds_the_provider(tmp_path):
    summary = _run(tmp_path, "r1", model="claude-haiku-4-5-20251001", base_url="https://api.anthropic.com/v1")
    cost = run_cost(summary, load_prices())
    assert cost.price is not None and cost.price.provider == "anthropic"
    assert cost.usd == pytest.approx((900 * 1.0 + 120 * 5.0) / 1e6)


def test_no_price_is_unknown_never_zero(tmp_path):
    summary = _run(tmp_path, "r1", model="some-new-model", base_url="https://api.openai.com/v1")
    cost = run_cost(summary, load_prices())
    assert cost.usd is None and cost.text.startswith("unknown: no price for openai/some-new-model")
    assert "--prices" in cost.text


def test_missing_token_counts_make_the_cost_unknown(tmp_path):
    info = make_info("r1", "gpt-4o-mini", locality="cloud", base_url="https://api.openai.com/v1")
    results = [result("tool_use.a", "pass", prompt_tokens=None), result("tool_use.b", "pass")]
    summary = summarize(load_run(write_run(tmp_path / "r1", info, results)))
    cost = run_cost(summary, load_prices())
    assert cost.usd is None and "1 request(s) reported no prompt token count" in cost.text


def test_a_local_model_is_not_charged(tmp_path):
    summary = _run(tmp_path, "r1", model="qwen3-4b", locality="local", base_url="http://127.0.0.1:8080/v1")
    cost = run_cost(summary, load_prices())
    assert cost.usd is None and cost.text == "not charged per token (local model)"


def test_a_users_price_file_wins_over_the_shipped_one(tmp_path):
    prices = tmp_path / "prices.yaml"
    prices.write_text(
        "prices:\n"
        "  - {provider: openai, model: gpt-4o-mini, input: 1.0, output: 2.0, source: my contract, "
        "as_of: 2026-11}\n"
        "  - {provider: openai, model: ft:gpt-4o-mini:acme:*, input: 0.3, output: 1.2, "
        "source: https://platform.openai.com/docs/pricing, as_of: 2026-11}\n"
    )
    book = load_prices(prices)
    openai = _run(tmp_path, "r1", model="gpt-4o-mini", base_url="https://api.openai.com/v1")
    assert run_cost(openai, book).usd == pytest.approx((900 * 1.0 + 120 * 2.0) / 1e6)
    tuned = _run(tmp_path, "r2", model="ft:gpt-4o-mini:acme:v2", base_url="https://api.openai.com/v1")
    assert run_cost(tuned, book).usd == pytest.approx((900 * 0.3 + 120 * 1.2) / 1e6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("prices: [{provider: openai, model: x, input: 1, output: 2}]", "prices.0.source: Field required"),
        ("prices: [{provider: openai, model: x, inpt: 1, output: 2, source: s, as_of: d}]", "prices.0.inpt"),
        (
            "prices: [{provider: openai, model: x, input: -1, output: 2, source: s, as_of: d}]",
            "prices.0.input",
        ),
        ("currency: EUR\nprices: []", "currency 'EUR' is not supported"),
        ("prices: [unclosed", "is not valid YAML"),
    ],
)
def test_a_bad_price_file_is_one_line_naming_the_problem(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(PriceError) as caught:
        load_prices(path)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_the_cli_reports_a_bad_price_file_without_a_traceback(tmp_path):
    _run(tmp_path, "r1", model="gpt-4o-mini", base_url="https://api.openai.com/v1")
    (tmp_path / "bad.yaml").write_text("prices: [{provider: openai}]")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "homesec_bench",
            "leaderboard",
            str(tmp_path / "r1"),
            "--prices",
            str(tmp_path / "bad.yaml"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "bad.yaml" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_leaderboard_shows_cost_and_energy_with_their_reasons(tmp_path):
    cloud = _run(tmp_path, "r1", model="gpt-4o-mini", base_url="https://api.openai.com/v1")
    local = _run(
        tmp_path,
        "r2",
        model="qwen3-4b",
        locality="local",
        base_url="http://127.0.0.1:8080/v1",
        energy=EnergyUse(seconds=60, gpu_wh=1.5, cpu_wh=0.5),
    )
    board = build_leaderboard([cloud, local])
    rows = {r.model: r for r in board.rows}
    assert rows["gpt-4o-mini"].cost_usd is not None and rows["gpt-4o-mini"].price_source
    assert rows["gpt-4o-mini"].energy_text == "not measured (cloud endpoint)"
    assert rows["qwen3-4b"].energy_wh == pytest.approx(2.0)
    assert rows["qwen3-4b"].energy_per_passed_test_wh == pytest.approx(1.0)
    text = to_markdown(board)
    assert "| Energy | Cost |" in text and "2.00 Wh (GPU 1.50 Wh, CPU 0.50 Wh)" in text
    assert "not charged per token (local model)" in text
    assert "cost_usd" in to_csv(board).splitlines()[0]


# ---------------------------------------------------------------------------------------------- energy


def _zone(root: Path, name: str, label: str, energy_uj: int, max_uj: int = 262_143_328_850) -> Path:
    zone = root / name
    zone.mkdir(parents=True)
    (zone / "name").write_text(label + "\n")
    (zone / "energy_uj").write_text(f"{energy_uj}\n")
    (zone / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return zone


def test_powercap_package_zones_are_summed_and_subzones_ignored(tmp_path):
    root = tmp_path / "powercap"
    pkg0 = _zone(root, "intel-rapl:0", "package-0", 1_000_000)
    pkg1 = _zone(root, "intel-rapl:1", "package-1", 5_000_000)
    core = _zone(root, "intel-rapl:0:0", "core", 7_000_000)
    _zone(root, "intel-rapl:2", "psys", 9_000_000)  # the platform zone overlaps the packages
    meter = EnergyMeter(powercap_root=root, use_nvml=False)
    meter.start()
    (pkg0 / "energy_uj").write_text("1000000\n".replace("1000000", str(1_000_000 + 3_600_000_000)))
    (pkg1 / "energy_uj").write_text(str(5_000_000 + 1_800_000_000))
    (core / "energy_uj").write_text(str(7_000_000 + 99_000_000_000))
    energy = meter.stop()
    # 3600 J + 1800 J = 1.5 Wh from the packages only
    assert energy.cpu_wh == pytest.approx(1.5)
    assert energy.gpu_wh is None and any("GPU" in n for n in energy.notes)


def test_a_counter_that_wraps_is_counted_across_the_wrap(tmp_path):
    root = tmp_path / "powercap"
    zone = _zone(root, "intel-rapl:0", "package-0", 262_000_000_000, max_uj=262_143_328_850)
    meter = EnergyMeter(powercap_root=root, use_nvml=False)
    meter.start()
    (zone / "energy_uj").write_text("1000000")  # wrapped: 143.33 J to the top, then 1 J
    energy = meter.stop()
    assert energy.cpu_wh == pytest.approx((143.32885 + 1.0) / 3600, rel=1e-6)


def test_a_root_only_counter_says_why_it_is_not_measured(tmp_path):
    if hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0:
        pytest.skip("root reads any file")
    root = tmp_path / "powercap"
    zone = _zone(root, "intel-rapl:0", "package-0", 1)
    (zone / "energy_uj").chmod(0o000)
    try:
        source = powercap_source(root)
    finally:
        (zone / "energy_uj").chmod(0o600)
    assert not source.counters and "readable by root only" in (source.reason or "")


def test_no_powercap_and_no_gpu_is_not_measured_with_both_reasons(tmp_path):
    meter = EnergyMeter(powercap_root=tmp_path / "missing", use_nvml=False)
    meter.start()
    energy = meter.stop()
    assert energy.cpu_wh is None and energy.gpu_wh is None
    assert any("powercap" in n for n in energy.notes)


def test_a_resumed_runs_energy_is_added_and_an_unmeasured_part_stays_unknown():
    first = EnergyUse(seconds=10, gpu_wh=1.0, cpu_wh=0.2)
    second = EnergyUse(seconds=5, gpu_wh=0.5, cpu_wh=None, notes=["cpu unreadable"])
    both = combine(first, second)
    assert (
        both is not None and both.seconds == 15 and both.gpu_wh == pytest.approx(1.5) and both.cpu_wh is None
    )
    assert combine(None, first) == first


# ---------------------------------------------------------------------------------------- quantization


def _quant_run(tmp_path: Path, name: str, model: str, quant: str, passes: set[str]):
    info = make_info(name, model, quantization=quant)
    ids = [f"tool_use.t{i}" for i in range(12)]
    results = [result(t, "pass" if t in passes else "fail") for t in ids]
    return summarize(load_run(write_run(tmp_path / name, info, results)))


def test_quantizations_of_one_model_are_grouped_most_bits_first_and_paired_with_their_neighbour(tmp_path):
    from homesec_bench.reports.html import build_report

    all_ids = {f"tool_use.t{i}" for i in range(12)}
    q8 = _quant_run(tmp_path, "a", "qwen3-8b-Q8_0", "Q8_0", all_ids)
    q4 = _quant_run(tmp_path, "b", "qwen3-8b-Q4_K_M", "Q4_K_M", all_ids - {"tool_use.t0", "tool_use.t1"})
    q2 = _quant_run(tmp_path, "c", "qwen3-8b-Q2_K", "Q2_K", {"tool_use.t0"})
    other = _quant_run(tmp_path, "d", "gemma-3-4b-Q4_K_M", "Q4_K_M", all_ids)
    board = build_leaderboard([q2, other, q4, q8])
    assert [g.model for g in board.quantization] == ["qwen3-8b"]  # one quantization of gemma: no group
    rows = board.quantization[0].rows
    assert [r.quantization for r in rows] == ["Q8_0", "Q4_K_M", "Q2_K"]
    assert [r.bits_per_weight for r in rows] == [8.5, 4.85, 2.63]
    assert rows[0].vs_more_bits is None
    assert (rows[1].vs_more_bits, rows[1].lost, rows[1].gained) == ("Q8_0", 2, 0)
    assert rows[1].vs_more_bits_p is not None and rows[1].vs_more_bits_p > 0.05  # 2 discordant: not separable
    assert (rows[2].vs_more_bits, rows[2].lost, rows[2].gained) == ("Q4_K_M", 10, 1)
    assert rows[2].vs_more_bits_p is not None and rows[2].vs_more_bits_p < 0.05
    text = to_markdown(board)
    assert "## Quantization: qwen3-8b" in text and "vs Q4_K_M: differs (lost 10, gained 1" in text
    html = build_report([load_run(tmp_path / n) for n in "abcd"])
    assert 'id="quantization"' in html and "vs Q8_0: not separable (lost 2, gained 0" in html
