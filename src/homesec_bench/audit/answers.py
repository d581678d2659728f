"""The audit set on disk: blind-written answers with their labels, and the settled disagreements.

Layout of an audit folder:

    answers/<suite>.<set>.yaml   one file per suite and writer set:
                                 {set: NAME, tests: {test_id: [answer, ...]}}
                                 answer = {id, label: right|wrong, why, content, reasoning, tool_calls}
    decisions.yaml               [{answer: "<set>/<test_id>/<id>", decision: grader_wrong|label_wrong|void,
                                   why: ...}]

A label is written before grading and never changed. When the grader and the label disagree, the case is
settled in decisions.yaml: `label_wrong` (the answer's label was a mistake; the audit counts the other
label), `grader_wrong` (the grader must be fixed; the case stays a disagreement until it is),
`grader_fixed` (the grader was wrong on it and has been fixed; counted as usual, so a regression shows),
or `void` (the test was changed so that the answer no longer answers it; the case is left out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from homesec_bench.models import ModelAnswer, ToolCall

Label = Literal["right", "wrong"]
DecisionKind = Literal["grader_wrong", "grader_fixed", "label_wrong", "void"]


DECISIONS = ("grader_wrong", "grader_fixed", "label_wrong", "void")


class AuditFormatError(ValueError):
    """An audit file that cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class AuditAnswer:
    set: str
    test_id: str
    id: str
    label: Label
    why: str
    answer: ModelAnswer

    @property
    def key(self) -> str:
        return f"{self.set}/{self.test_id}/{self.id}"


@dataclass(frozen=True)
class Decision:
    answer: str
    decision: DecisionKind
    why: str


@dataclass
class AuditSet:
    answers: list[AuditAnswer] = field(default_factory=list)
    decisions: dict[str, Decision] = field(default_factory=dict)


def _answer(raw: dict[str, Any], where: str) -> ModelAnswer:
    calls = []
    for call in raw.get("tool_calls") or []:
        if not isinstance(call, dict) or "name" not in call:
            raise AuditFormatError(f"{where}: every tool call needs a name and arguments")
        calls.append(ToolCall(name=str(call["name"]), arguments=call.get("arguments", {})))
    content = raw.get("content")
    return ModelAnswer(
        content="" if content is None else str(content),
        reasoning=str(raw.get("reasoning") or ""),
        tool_calls=calls,
    )


def _read_yaml(path: Path) -> Any:
    """The file's YAML, read by the suites' loader (libyaml where installed, a key given twice refused: a
    writer's second entry for one test would silently replace the first); any fault one line."""
    from homesec_bench.suites.loader import strict_yaml_loader

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditFormatError(
            f"{path}: cannot read the file ({exc}); check it exists and is UTF-8 text"
        ) from None
    try:
        return yaml.load(text, Loader=strict_yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AuditFormatError(f"{path}{where}: malformed YAML ({problem}); fix the syntax there") from None


def _read_answers_file(path: Path) -> list[AuditAnswer]:
    data = _read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("tests"), dict):
        raise AuditFormatError(f"{path}: expected a mapping with 'set' and 'tests'")
    set_name = str(data.get("set") or path.stem)
    out = []
    for test_id, answers in data["tests"].items():
        if not isinstance(answers, list):
            raise AuditFormatError(f"{path}: {test_id}: expected a list of answers")
        for i, raw in enumerate(answers):
            where = f"{path.name}: {test_id}[{i}]"
            if not isinstance(raw, dict) or raw.get("label") not in ("right", "wrong"):
                raise AuditFormatError(f"{where}: every answer needs label: right or label: wrong")
            out.append(
                AuditAnswer(
                    set=set_name,
                    test_id=str(test_id),
                    id=str(raw.get("id") or i + 1),
                    label=raw["label"],
                    why=str(raw.get("why") or ""),
                    answer=_answer(raw, where),
                )
            )
    return out


def _read_decisions(path: Path) -> dict[str, Decision]:
    if not path.exists():
        return {}
    data = _read_yaml(path) or []
    if not isinstance(data, list):
        raise AuditFormatError(f"{path}: expected a list of decisions")
    out = {}
    for i, raw in enumerate(data):
        if not isinstance(raw, dict) or raw.get("decision") not in DECISIONS:
            raise AuditFormatError(f"{path}: entry {i}: decision must be one of {', '.join(DECISIONS)}")
        if not str(raw.get("why") or "").strip():
            raise AuditFormatError(f"{path}: entry {i}: a decision needs its why")
        key = str(raw.get("answer"))
        out[key] = Decision(answer=key, decision=raw["decision"], why=str(raw["why"]))
    return out


def load_audit_set(folder: Path) -> AuditSet:
    answers: list[AuditAnswer] = []
    for path in sorted((folder / "answers").glob("*.yaml")):
        answers.extend(_read_answers_file(path))
    keys = [a.key for a in answers]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise AuditFormatError(f"duplicate answer ids: {', '.join(duplicates[:5])}")
    return AuditSet(answers=answers, decisions=_read_decisions(folder / "decisions.yaml"))
