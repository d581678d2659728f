"""Wrong answers in the audit set that fail only on a required mention.

    .venv/bin/python tools/audit_fragile.py [audit/]

Each wrong answer that fails is graded again with every required mention (`must_include`,
`text_includes`, `in_order`) taken out of its test. One that then passes, whose writer gave another
reason than an omission, was caught by chance: the same false claim with the missing word added would
pass. Each such answer is a class to fix (its false claim, said by meaning), or, where the required
mention is itself the substance (a reason that must name the decisive detail), a case to list in
`audit/fragile.yaml` with why it stays. `tests/test_audit.py` checks that the list and the graders agree.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import Any

from homesec_bench.audit.answers import load_audit_set
from homesec_bench.graders import grade_answer
from homesec_bench.suites.loader import load_benchmark

_INCLUDES = ("must_include", "text_includes", "in_order")
# The writer's reason names an omission: then failing for the missing mention is the right verdict.
_OMISSION = re.compile(
    r"omit|miss|leav|drop|forget|forgot|skip|without|no mention|not mention|fails to|lacks|ignores|"
    r"left out|only|incomplete|vague|generic|no reason|not say|never says",
    re.IGNORECASE,
)


def _without_includes(params: Any) -> Any:
    if isinstance(params, dict):
        return {k: _without_includes(v) for k, v in params.items() if k not in _INCLUDES}
    if isinstance(params, list):
        return [_without_includes(v) for v in params]
    return params


def fragile_answers(folder: Path) -> list[tuple[str, str]]:
    """(answer key, the writer's why) for each wrong answer caught only by a required mention."""
    bench = load_benchmark()
    audit = load_audit_set(folder)
    tests = {t.id: t for t in bench.all_tests()}
    out = []
    for answer in audit.answers:
        decision = audit.decisions.get(answer.key)
        if answer.label != "wrong" or answer.test_id not in tests or _OMISSION.search(answer.why or ""):
            continue
        if decision is not None and decision.decision in ("void", "label_wrong"):
            continue
        test = tests[answer.test_id]
        if grade_answer(test, answer.answer, bench).passed:
            continue
        loose = test.model_copy(deep=True)
        loose.grader.params = _without_includes(copy.deepcopy(test.grader.params))
        if grade_answer(loose, answer.answer, bench).passed:
            out.append((answer.key, answer.why or ""))
    return out


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("audit")
    found = fragile_answers(folder)
    for key, why in found:
        print(f"{key} | {why}")
    print(f"{len(found)} wrong answers caught only by a required mention", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
