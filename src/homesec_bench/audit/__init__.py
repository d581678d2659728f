"""The grader audit: blind-written answers, labelled by judgement, graded and compared.

- `dump_blind_requests` writes what a model sees for each test (no reference, no grader params), so
  audit answers can be written by someone who has not read the grader.
- `load_audit_set` reads the labelled answers and the settled disagreements from a folder.
- `audit_agreement` grades every answer and reports agreement per suite, false passes and false fails.
"""

from homesec_bench.audit.agreement import AuditCase, AuditReport, audit_agreement
from homesec_bench.audit.answers import AuditAnswer, AuditSet, Decision, load_audit_set
from homesec_bench.audit.blind import blind_request, dump_blind_requests

__all__ = [
    "AuditAnswer",
    "AuditCase",
    "AuditReport",
    "AuditSet",
    "Decision",
    "audit_agreement",
    "blind_request",
    "dump_blind_requests",
    "load_audit_set",
]
