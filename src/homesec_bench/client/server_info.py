"""Turn what a server says about itself into the few facts a run records.

llama-server answers GET /props (model path, context size, build); Ollama answers POST /api/show
(family, parameter size, quantization level). Anything else is left out; this is best effort.
"""

from __future__ import annotations

import re
from typing import Any

# GGUF quantization names as they appear in file names: Q4_K_M, IQ3_XXS, Q8_0, F16, BF16...
_QUANT = re.compile(r"(?<![A-Za-z0-9])(I?Q\d(?:_[A-Z0-9]+)*|BF16|F16|F32)(?![A-Za-z0-9])", re.IGNORECASE)


def quantization_from_path(path: str) -> str | None:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"\.gguf$", "", name, flags=re.IGNORECASE)
    found = _QUANT.findall(name.replace("-", ".").replace(" ", "."))
    return found[-1].upper() if found else None


def describe_server(props: dict[str, Any] | None, show: dict[str, Any] | None) -> dict[str, Any]:
    """What the server is, named only on a positive sign, and how it was identified: any server
    may answer 200 to a path it does not know, so a bare 200 names nothing."""
    if props is not None and _looks_like_llama_server(props):
        return {**_llama_server(props), "identified_by": "GET /props (default_generation_settings)"}
    if show is not None and _looks_like_ollama(show):
        return {**_ollama(show), "identified_by": "POST /api/show (details / model_info)"}
    return {}


def _looks_like_llama_server(props: dict[str, Any]) -> bool:
    return isinstance(props.get("default_generation_settings"), dict) or isinstance(
        props.get("model_path"), str
    )


def _looks_like_ollama(show: dict[str, Any]) -> bool:
    return isinstance(show.get("details"), dict) or isinstance(show.get("model_info"), dict)


def _llama_server(props: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"server": "llama-server"}
    path = props.get("model_path")
    if isinstance(path, str) and path:
        info["model_path"] = path
        quant = quantization_from_path(path)
        if quant:
            info["quantization"] = quant
    if isinstance(props.get("quantization"), str):
        info["quantization"] = props["quantization"]
    settings = props.get("default_generation_settings")
    n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
    if isinstance(n_ctx, int):
        info["context_size"] = n_ctx
    for key in ("total_slots", "build_info"):
        if isinstance(props.get(key), (int, str)):
            info[key] = props[key]
    modalities = props.get("modalities")
    if isinstance(modalities, dict):
        info["modalities"] = {k: v for k, v in modalities.items() if isinstance(v, bool)}
    return info


def _ollama(show: dict[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {"server": "ollama"}
    details = show.get("details")
    if isinstance(details, dict):
        kept = {k: v for k, v in details.items() if isinstance(v, (str, int, float))}
        info["details"] = kept
        if isinstance(details.get("quantization_level"), str):
            info["quantization"] = details["quantization_level"]
    model_info = show.get("model_info")
    if isinstance(model_info, dict):
        for key, value in model_info.items():
            if key.endswith(".context_length") and isinstance(value, int):
                info["context_size"] = value
                break
    return info
