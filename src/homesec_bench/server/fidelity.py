"""Check that a server hands the model our prompt byte for byte, wherever it offers a way to look.

Some server set-ups rewrite prompts on the way in (llama-cpp-python's own server with
`chatml-function-calling` HTML-escapes them, so every `"` reaches the model as `&#34;` and JSON prompts
are corrupted). A probe full of such characters is sent through each stage the server exposes: the
tokenizer round trip (llama-server's /tokenize + /detokenize, or llama-cpp-python's /extras/tokenize +
/extras/detokenize, or vLLM's /tokenize + /detokenize with the model's name), the chat template
(llama-server's /apply-template, or vLLM's /tokenize of the messages), and the prompt the model
actually evaluated (llama-server's `verbose`). A stage the server does not expose is None: not checked.

llama-cpp-python exposes only the tokenizer round trip. Its chat formats render the template inside
the chat request, so the HTML escaping of `chatml-function-calling` cannot be seen from outside: for
that server the template is "not checked", never "passed".
"""

from __future__ import annotations

import html
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from homesec_bench.client.urls import endpoint_url
from homesec_bench.server.errors import ServerSetupError

PROBE = 'Echo this exactly: {"camera": "front_door", "note": "<b>Ann & Bob</b> said \'hi\'"}'


def check_prompt_fidelity(
    root_url: str, *, timeout_s: float = 30.0, probe_chat: bool = True, model: str | None = None
) -> dict[str, bool | None]:
    """Per stage, True when the probe arrived intact, None when the server does not expose that stage
    (or, with probe_chat False, when the one-token chat request that reveals it is not sent).

    Raises ServerSetupError, naming the stage and what the probe became, when any stage altered it.
    """
    messages = [{"role": "user", "content": PROBE}]
    report: dict[str, bool | None] = {}
    # The standard library, not an HTTP client package: these few calls happen before a run's first
    # request, and importing httpx here cost a tenth of a second of start-up. No proxy from the
    # environment: the server is local.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        # Joined onto the root's path, its query kept (a base URL may carry one).
        return _post(opener, endpoint_url(root_url, path), body, timeout_s)

    tokens = post("/tokenize", {"content": PROBE}).get("tokens")
    if isinstance(tokens, list):
        text = post("/detokenize", {"tokens": tokens}).get("content")
        report["tokenizer"] = _judge("tokenizer round trip", text, exact=True)
    elif model is not None and _vllm_stages(post, model, messages, report):
        return report
    else:
        # llama-cpp-python: its tokenizer may add a BOS token, so the probe must be inside the text.
        tokens = post("/extras/tokenize", {"input": PROBE}).get("tokens")
        if isinstance(tokens, list):
            text = post("/extras/detokenize", {"tokens": tokens}).get("text")
            report["tokenizer"] = _judge("tokenizer round trip", text)
        else:
            report["tokenizer"] = None
    templated = post("/apply-template", {"messages": messages}).get("prompt")
    report["chat_template"] = _judge("chat template", templated) if templated is not None else None
    # max_tokens 1: the generation is not the point, the evaluated prompt is.
    body = {"messages": messages, "max_tokens": 1, "temperature": 0, "verbose": True}
    verbose = post("/v1/chat/completions", body).get("__verbose") if probe_chat else None
    evaluated = verbose.get("prompt") if isinstance(verbose, dict) else None
    report["model_prompt"] = None if evaluated is None else _judge("evaluated prompt", evaluated)
    return report


def _vllm_stages(
    post: Callable[[str, dict[str, Any]], dict[str, Any]],
    model: str,
    messages: list[dict[str, str]],
    report: dict[str, bool | None],
) -> bool:
    """vLLM's /tokenize takes a prompt (the round trip) or messages (its chat template applied), and
    /detokenize gives the text back. False when the server is not vLLM-shaped."""
    tokens = post("/tokenize", {"model": model, "prompt": PROBE, "add_special_tokens": False}).get("tokens")
    if not isinstance(tokens, list):
        return False
    text = post("/detokenize", {"model": model, "tokens": tokens}).get("prompt")
    report["tokenizer"] = _judge("tokenizer round trip", text)
    templated_tokens = post(
        "/tokenize", {"model": model, "messages": messages, "add_generation_prompt": True}
    ).get("tokens")
    if isinstance(templated_tokens, list):
        templated = post("/detokenize", {"model": model, "tokens": templated_tokens}).get("prompt")
        report["chat_template"] = _judge("chat template", templated)
    else:
        report["chat_template"] = None
    # vLLM does not echo the evaluated prompt; the template is what it evaluates.
    report["model_prompt"] = None
    return True


def _post(
    opener: urllib.request.OpenerDirector, url: str, body: dict[str, Any], timeout_s: float
) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with opener.open(request, timeout=timeout_s) as response:
            raw = response.read(16 * 1024 * 1024)
    except urllib.error.HTTPError:
        return {}  # 404: the server has no such stage; any other status: nothing to judge
    except (OSError, ValueError) as exc:
        # The path only: the URL's query may hold a credential.
        path = urlsplit(url).path
        reason = getattr(exc, "reason", None) or exc
        raise ServerSetupError(
            f"prompt check: POST {path} failed ({reason}); is the server running?"
        ) from None
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


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
