"""The `vision` grader: a camera frame's JSON description against its ground truth.

The logic lives in `homesec_bench.vision.grading`, beside the fixtures it is defined by; this module
only registers it.
"""

from __future__ import annotations

from typing import Any

from homesec_bench.graders.registry import GradeContext, register, register_validator
from homesec_bench.models import ModelAnswer, Verdict
from homesec_bench.vision.grading import grade_vision, validate_params


@register("vision")
def vision(answer: ModelAnswer, params: dict[str, Any], ctx: GradeContext) -> Verdict:
    return grade_vision(answer, params)


@register_validator("vision")
def vision_params(params: dict[str, Any], ctx: GradeContext) -> list[str]:
    return validate_params(params)
