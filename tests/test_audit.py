"""The grader audit: the repo's blind-written answer set agrees with the graders, and the audit tools work.

Every answer in audit/answers was written from the rendered request alone and labelled before grading; a
disagreement is either fixed in the grader or settled, with its reason, in audit/decisions.yaml.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from homesec_bench.audit import audit_agreement, blind_request, dump_blind_requests, load_audit_set
from homesec_bench.audit.agreement import AuditReport
from homesec_bench.audit.answers import AuditFormatError, AuditSet
from homesec_bench.cli.exit_codes import ExitCode
from homesec_bench.runner.request import build_chat_request
from homesec_bench.suites.loader import load_benchmark

AUDIT_DIR = Path(__file__).resolve().parents[1] / "audit"
BENCH = load_benchmark()


@functools.cache
def _audit() -> AuditSet:
    """The audit set, read on first use: reading its hundred answer files costs every test session four
    seconds at collection otherwise."""
    return load_audit_set(AUDIT_DIR)


def _set_names() -> list[str]:
    """The answer sets, from each file's `set:` line (the files are read in full only by the tests)."""
    names = set()
    for path in (AUDIT_DIR / "answers").glob("*.yaml"):
        found = re.search(r"(?m)^set:\s*['\"]?([\w.-]+)", path.read_text(encoding="utf-8"))
        if found:
            names.add(found.group(1))
    return sorted(names)


@functools.cache
def _report() -> AuditReport:
    """Every audit answer graded, once per session: about 15 s for 7,000 answers on two cores, so the
    three tests that need it are in the slow tier (`homesec-bench audit audit/` is the day-to-day check
    while working on a grader)."""
    return audit_agreement(_audit(), BENCH, workers=os.cpu_count() or 1)


# One test per answer set, not per answer: six thousand tiny tests cost pytest's own bookkeeping a
# dozen seconds, and a failure lists every disagreeing answer of its set anyway.
SETS = _set_names()


@pytest.mark.parametrize("answer_set", SETS)
def test_labelled_answers_agree_with_their_verdicts(answer_set):
    disagreements = [
        f"{case.answer.key}: labelled {'right' if case.expected_pass else 'wrong'} ({case.answer.why}); "
        f"grader: {case.reason}"
        for case in _report().counted
        if case.answer.key.split("/")[0] == answer_set and not case.agrees
    ]
    assert not disagreements, "\n".join(disagreements)


def test_audit_set_covers_every_test_with_two_right_and_two_wrong():
    labels: dict[str, Counter] = {t.id: Counter() for t in BENCH.all_tests()}
    for case in _report().counted:  # void answers (to a prompt or frame changed since) do not count
        labels[case.answer.test_id][case.answer.label] += 1
    thin = {tid: dict(c) for tid, c in labels.items() if c["right"] < 2 or c["wrong"] < 2}
    assert not thin, f"tests with fewer than two right and two wrong audit answers: {thin}"


def test_audit_set_names_only_known_tests_and_answers():
    assert not _report().unknown_tests
    assert not _report().stale_decisions


def test_every_decision_is_explained():
    for decision in _audit().decisions.values():
        assert len(decision.why.split()) >= 4, decision


@pytest.mark.parametrize("test", BENCH.all_tests(), ids=lambda t: t.id)
def test_blind_request_is_exactly_what_the_model_gets(test, tmp_path):
    line = blind_request(test, BENCH, images_dir=tmp_path)
    assert set(line) == {"test", "suite", "request"}
    sent = build_chat_request(test, BENCH, model="m", resolve_image=lambda f: f"file:{f}.jpg", stream=False)
    sent.pop("model")
    sent.pop("stream")
    assert line["request"] == sent
    assert test.purpose not in json.dumps(line, ensure_ascii=False) or test.purpose in json.dumps(sent)


def test_dump_writes_one_file_per_suite_and_the_frames(tmp_path):
    paths = dump_blind_requests(BENCH, tmp_path, suites=["topic_classification", "vision"])
    assert sorted(p.name for p in paths) == ["topic_classification.jsonl", "vision.jsonl"]
    vision = [json.loads(x) for x in (tmp_path / "vision.jsonl").read_text().splitlines()]
    frames = sorted((tmp_path / "images").iterdir())
    assert len(vision) == len(frames) == len(BENCH.suites["vision"].tests)
    assert "data:" not in (tmp_path / "vision.jsonl").read_text()


def _write_set(folder: Path, answers: dict, decisions: list | None = None) -> None:
    (folder / "answers").mkdir(parents=True)
    (folder / "answers" / "t.yaml").write_text(yaml.safe_dump({"set": "s", "tests": answers}))
    if decisions is not None:
        (folder / "decisions.yaml").write_text(yaml.safe_dump(decisions))


def test_decisions_flip_void_and_go_stale(tmp_path):
    test = BENCH.suites["topic_classification"].tests[0]
    right = test.reference[0].model_dump()
    wrong = test.near_misses[0].model_dump(exclude={"why"})
    _write_set(
        tmp_path,
        {
            test.id: [
                {"id": "a", "label": "right", **right},
                {"id": "b", "label": "right", **wrong},  # a mislabelled wrong answer
                {"id": "c", "label": "wrong", **right},  # left out by a void decision
            ]
        },
        [
            {"answer": f"s/{test.id}/b", "decision": "label_wrong", "why": "the writer misread the routing"},
            {
                "answer": f"s/{test.id}/c",
                "decision": "void",
                "why": "the prompt changed after this was written",
            },
            {"answer": "s/nope/x", "decision": "void", "why": "refers to nothing that exists"},
        ],
    )
    report = audit_agreement(load_audit_set(tmp_path), BENCH)
    assert [c.answer.id for c in report.counted] == ["a", "b"]
    assert not report.disagreements
    assert report.stale_decisions == ["s/nope/x"]
    assert report.total().answers == 2


def test_a_disagreement_is_counted_as_false_pass_or_false_fail(tmp_path):
    test = BENCH.suites["topic_classification"].tests[0]
    right = test.reference[0].model_dump()
    wrong = test.near_misses[0].model_dump(exclude={"why"})
    _write_set(
        tmp_path,
        {test.id: [{"id": "a", "label": "wrong", **right}, {"id": "b", "label": "right", **wrong}]},
    )
    total = audit_agreement(load_audit_set(tmp_path), BENCH).total()
    assert (total.answers, total.agree, total.false_passes, total.false_fails) == (2, 0, 1, 1)


def test_malformed_audit_file_is_one_clear_error(tmp_path):
    _write_set(tmp_path, {"x.y": [{"id": "a", "content": "hi"}]})
    with pytest.raises(AuditFormatError, match="label: right or label: wrong"):
        load_audit_set(tmp_path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("set: x\ntests:\n  a.b: [\n", "line .*malformed YAML"),
        ("set: x\ntests:\n  a.b: []\n  a.b: []\n", "line 4.*duplicate key 'a.b' \\(first at line 3\\)"),
        ("\udcff", "cannot read the file"),
    ],
)
def test_a_broken_answers_file_is_one_clear_error(tmp_path, text, message):
    (tmp_path / "answers").mkdir()
    path = tmp_path / "answers" / "x.yaml"
    if text == "\udcff":
        path.write_bytes(b"set: \xff\xfe x\n")
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(AuditFormatError, match=message):
        load_audit_set(tmp_path)


def test_audit_command_prints_per_suite_and_exits_11_on_disagreement(tmp_path):
    test = BENCH.suites["topic_classification"].tests[0]
    right = test.reference[0].model_dump()
    _write_set(tmp_path, {test.id: [{"id": "a", "label": "wrong", **right}]})
    proc = subprocess.run(
        [sys.executable, "-m", "homesec_bench", "audit", str(tmp_path), "--show"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == int(ExitCode.AUDIT_DISAGREES), proc.stderr
    assert "topic_classification" in proc.stdout
    assert f"s/{test.id}/a: labelled wrong, graded PASS" in proc.stdout


@pytest.mark.slow  # starts a pool of worker processes
def test_grading_in_worker_processes_gives_the_same_verdicts(monkeypatch):
    from dataclasses import replace

    from homesec_bench.audit import agreement

    monkeypatch.setattr(agreement, "_MIN_PARALLEL", 1)
    some = replace(_audit(), answers=_audit().answers[::150])  # every suite's answers, right and wrong
    serial = audit_agreement(some, BENCH)
    parallel = audit_agreement(some, BENCH, workers=2)
    assert len(serial.cases) == len(some.answers) > 30
    assert [(c.answer.key, c.passed, c.reason) for c in parallel.cases] == [
        (c.answer.key, c.passed, c.reason) for c in serial.cases
    ]
    assert {c.passed for c in serial.cases} == {True, False}


def test_the_hunting_set_disagrees_exactly_where_its_open_defects_say():
    """audit/hunting holds answers written to find the graders' blind spots (blind set Q). Its open
    `grader_wrong` cases are the known defects; every other answer must agree, so a fixed class stays
    fixed, and a defect fixed without its decision updated fails here too."""
    hunting = load_audit_set(AUDIT_DIR / "hunting")
    report = audit_agreement(hunting, BENCH)
    open_defects = {k for k, d in hunting.decisions.items() if d.decision == "grader_wrong"}
    assert open_defects
    assert {c.answer.key for c in report.disagreements} == open_defects
    assert not report.unknown_tests and not report.stale_decisions


@pytest.mark.slow
def test_the_wrong_answers_caught_only_by_a_required_mention_are_the_listed_ones() -> None:
    """tools/audit_fragile.py: a wrong answer that fails only for a missing required mention, though its
    writer names another defect, was caught by chance. Each one is listed in audit/fragile.yaml with why
    it stays; a new one is a class to fix, and a listed one that no longer appears is to be struck off."""
    import yaml
    from audit_fragile import fragile_answers

    listed = {entry["answer"] for entry in yaml.safe_load((AUDIT_DIR / "fragile.yaml").read_text())}
    found = {key for key, _ in fragile_answers(AUDIT_DIR)}
    assert found == listed, f"new: {sorted(found - listed)}; gone: {sorted(listed - found)}"
