"""Check that llama-server hands the model our prompt byte for byte.

Some server set-ups rewrite prompts on the way in (llama-cpp-python's own server with
`chatml-function-calling` HTML-escapes them, so every `"` reaches the model as `&#34;` and JSON prompts
are corrupted). A probe full of such characters is sent through each stage the server exposes: the
tokenizer round trip, the chat template, and the prompt the model actually evaluated (`verbose`).
"""

from __future__ import annotations

import html
from typing import Any

import httpx

from homesec_bench.server.errors import ServerSetupError

PROBE = 'Echo this exactly: {"camera": "front_door", "note": "<b>Ann & Bob</b> said \'hi\'"}'


def check_prompt_fidelity(
    root_url: str, *, timeout_s: float = 30.0, probe_chat: bool = True
) -> dict[str, bool | None]:
    """Per stage, True when the probe arrived intact, None when the server does not expose that stage
    (or, with probe_chat False, when the one-token chat request that reveals it is not sent).

    Raises ServerSetupError, naming the stage and what the probe became, when any stage altered it.
    """
    messages = [{"role": "user", "content": PROBE}]
    report: dict[str, bool | None] = {}
    with httpx.Client(base_url=root_url, trust_env=False, timeout=timeout_s) as client:
        tokens = _post(client, "/tokenize", {"content": PROBE}).get("tokens")
        if isinstance(tokens, list):
            text = _post(client, "/detokenize", {"tokens": tokens}).get("content")
            report["tokenizer"] = _judge("tokenizer round trip", text, exact=True)
        else:
            report["tokenizer"] = None
        templated = _post(client, "/apply-template", {"messages": messages}).get("prompt")
        report["chat_template"] = _judge("chat template", templated) if templated is not None else None
        # max_tokens 1: the generation is not the point, the evaluated prompt is.
        body = {"messages": messages, "max_tokens": 1, "temperature": 0, "verbose": True}
        verbose = _post(client, "/v1/chat/completions", body).get("__verbose") if probe_chat else None
        evaluated = verbose.get("prompt") if isinstance(verbose, dict) else None
        report["model_prompt"] = None if evaluated is None else _judge("evaluated prompt", evaluated)
    return report


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        response = client.post(path, json=body)
    except httpx.HTTPError as exc:
        raise ServerSetupError(f"prompt check: POST {path} failed ({exc}); is the server running?") from None
    if response.status_code == 404:
        return {}
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) and response.status_code < 400 else {}


def _judge(stage: str, seen: object, *, exact: bool = False) -> bool:
    if not isinstance(seen, str):
        raise ServerSetupError(f"prompt check: the {stage} returned {type(seen).__name__}, not text")
    intact = seen == PROBE if exact else PROBE in seen
    if intact:
        return True
    if html.escape(PROBE) in seen or "&#34;" in seen or "&quot;" in seen:
        raise ServerSetupError(
            f'the server HTML-escapes prompts ({stage}): the model would see &quot; instead of "; '
            "use llama.cpp's llama-server with --jinja, or a chat format that does not escape"
        )
    raise ServerSetupError(
        f"the server altered the prompt ({stage}): sent {PROBE!r}, it became {seen[:200]!r}"
    )
