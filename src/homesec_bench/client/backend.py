"""The wire-protocol seam: a `Backend` per API, found in a registry by the endpoint's `api`.

A backend knows one protocol end to end: how a declarative test becomes a request body, which
client sends it and reads the stream, and how the conversation is stored for reports. The runner
asks only these questions, so adding a protocol touches this package (and the test server) only:

    @register_backend
    class MyBackend:
        api = "my_api"
        ...

The transcript a backend renders is neutral, the same for every protocol (see `TRANSCRIPT`), so the
store and the reports never see a wire format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from homesec_bench.client.chat import ChatClient
    from homesec_bench.models import Message, RequestRecord, TestCase

# Resolves an image fixture id to the URL sent to the model (a base64 data URI).
ImageResolver = Callable[[str], str]

TRANSCRIPT = """A stored transcript is a list of messages, each a dict with:
  role: system | user | assistant | tool
  content: a string, null, or a list of parts {"type": "text", "text"} /
           {"type": "image_url", "image_url": {"url"}} (the url a data URI or its digest)
  tool_calls (assistant): [{"id", "name", "arguments"}]   (arguments: dict, or the raw string)
  tool_call_id, name (tool results); reasoning (the model's reply, when it thought aloud)
The last message is the model's reply."""


def image_unavailable(fixture: str) -> str:
    raise ValueError(f"test needs image fixture {fixture!r} but no image resolver was given")


@runtime_checkable
class Backend(Protocol):
    """One wire protocol. Stateless: one instance serves every run."""

    api: str
    # The environment variable the API key is read from unless the user names another.
    default_key_env: str

    def make_client(self, base_url: str, api_key: str | None, **options: Any) -> ChatClient:
        """The client that sends this protocol's requests (options: ChatClient's keywords)."""
        ...

    def build_request(
        self,
        test: TestCase,
        tools: Mapping[str, Mapping[str, Any]],
        *,
        model: str,
        attempt: int = 0,
        resolve_image: ImageResolver = image_unavailable,
        stream: bool = True,
    ) -> dict[str, Any]:
        """The exact request body for one test; `tools` is the shared catalogue by name."""
        ...

    def warmup_request(self, model: str) -> dict[str, Any]:
        """A tiny request that makes the server load the model before anything is timed."""
        ...

    def transcript(self, test: TestCase, body: dict[str, Any], record: RequestRecord) -> list[dict[str, Any]]:
        """The conversation as sent plus the model's reply, in the neutral shape of TRANSCRIPT."""
        ...

    def redact_images(self, body: dict[str, Any]) -> dict[str, Any]:
        """A copy of a request body with image data replaced by its digest, for compact storage."""
        ...


_REGISTRY: dict[str, Backend] = {}
_ALIASES: dict[str, str] = {}

B = TypeVar("B")


def register_backend(cls: type[B], *aliases: str) -> type[B]:
    """Register a backend class (instantiated once) under its `api` and any aliases."""
    backend: Any = cls()
    if not isinstance(backend, Backend):
        raise TypeError(f"{cls.__name__} does not implement the Backend protocol")
    _REGISTRY[backend.api] = backend
    for alias in aliases:
        _ALIASES[alias] = backend.api
    return cls


# The built-in backends, by each name they register, and the module that registers them.
_BUILTIN = {
    "openai_chat": "homesec_bench.client.openai_chat",
    "openai": "homesec_bench.client.openai_chat",
    "anthropic": "homesec_bench.client.anthropic",
}


def _load_builtin(api: str | None = None) -> None:
    """Import the built-in backend registered as `api`, or every one (`api` None or not built in).

    Imported for their registration; late, so that importing this module stays cheap, and one at a time,
    so that a run loads only the protocol it speaks."""
    for module in sorted({_BUILTIN[api]} if api in _BUILTIN else set(_BUILTIN.values())):
        import_module(module)


def get_backend(api: str | None) -> Backend:
    """The backend for an endpoint's `api` (None: OpenAI chat completions)."""
    _load_builtin(api or "openai_chat")
    name = _ALIASES.get(api or "openai_chat", api or "openai_chat")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown api {api!r}; choose one of: {', '.join(backend_names())}") from None


def backend_names() -> list[str]:
    """Every registered api name and alias, for help texts and messages."""
    _load_builtin()
    return sorted({*_REGISTRY, *_ALIASES})


def neutral_reply(record: RequestRecord) -> dict[str, Any]:
    """The model's reply as the last message of a transcript."""
    reply: dict[str, Any] = {"role": "assistant", "content": record.content}
    if record.reasoning:
        reply["reasoning"] = record.reasoning
    if record.tool_calls:
        reply["tool_calls"] = [c.model_dump() for c in record.tool_calls]
    return reply


def neutral_messages(
    messages: list[Message], resolve_image: Callable[[str], str] | None = None
) -> list[dict[str, Any]]:
    """A test's messages in the neutral transcript shape; images as the URL the model was sent."""
    from homesec_bench.models import ImagePart, TextPart

    out: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"role": message.role}
        if isinstance(message.content, list):
            parts: list[dict[str, Any]] = []
            for part in message.content:
                if isinstance(part, TextPart):
                    parts.append({"type": "text", "text": part.text})
                elif isinstance(part, ImagePart):
                    url = resolve_image(part.fixture) if resolve_image else f"<image {part.fixture}>"
                    parts.append({"type": "image_url", "image_url": {"url": url}})
            item["content"] = parts
        else:
            item["content"] = message.content
        if message.tool_calls:
            item["tool_calls"] = [c.model_dump() for c in message.tool_calls]
        if message.tool_call_id:
            item["tool_call_id"] = message.tool_call_id
        if message.name:
            item["name"] = message.name
        out.append(item)
    return out
