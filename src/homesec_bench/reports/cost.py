"""What a run cost in money: its tokens in and out times a price per million tokens.

Prices come from the file shipped with the package (reports/prices.yaml, each price with its source
and date), with a user's file (`--prices FILE`) laid over it. A cost is only ever computed from
prices and token counts that are known: a cloud model without a price, or a run whose server did not
report token counts, is "unknown" with the reason, never 0. A local model is not charged per token.
"""

from __future__ import annotations

import fnmatch
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, Field, ValidationError

from homesec_bench.reports.summary import RunSummary

SHIPPED = "prices.yaml"


class PriceError(ValueError):
    """A price file that cannot be used; the message names the file and the fix."""


class Price(BaseModel, extra="forbid"):
    provider: str
    model: str = Field(description="The model id, or a shell-style pattern (* and ?).")
    input: float = Field(ge=0, description="USD per million input (prompt) tokens.")
    output: float = Field(ge=0, description="USD per million output tokens.")
    source: str
    as_of: str

    def matches(self, provider: str | None, model: str) -> bool:
        # `provider: "*"` prices a model wherever it is served (a gateway, a self-hosted proxy).
        provider_ok = self.provider == "*" or (provider is not None and self.provider == provider)
        return provider_ok and fnmatch.fnmatchcase(model, self.model)


class PriceFile(BaseModel, extra="forbid"):
    currency: str = "USD"
    prices: list[Price] = Field(default_factory=list)


class PriceBook(BaseModel):
    """Prices in lookup order: the user's entries first, then the shipped ones."""

    prices: list[Price] = Field(default_factory=list)

    def find(self, provider: str | None, model: str) -> Price | None:
        return next((p for p in self.prices if p.matches(provider, model)), None)

    def providers(self) -> set[str]:
        return {p.provider for p in self.prices}


class RunCost(BaseModel):
    usd: float | None = None
    per_passed_test_usd: float | None = None
    text: str = Field(description="The cost in words, or why it is not known.")
    price: Price | None = None


def _read(text: str, where: str) -> PriceFile:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PriceError(f"{where} is not valid YAML ({exc.__class__.__name__}); fix the file") from None
    try:
        parsed = PriceFile.model_validate(data or {})
    except ValidationError as exc:
        # A misspelt key says more than the "field required" it causes, so it is named first.
        first = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        place = ".".join(str(part) for part in first["loc"])
        raise PriceError(
            f"{where}: {place}: {first['msg']}; see reports/prices.yaml for the format"
        ) from None
    if parsed.currency != "USD":
        raise PriceError(f"{where}: currency {parsed.currency!r} is not supported; give prices in USD")
    return parsed


def load_prices(user_file: str | Path | None = None) -> PriceBook:
    """The shipped prices, with `user_file`'s entries (if any) taking precedence."""
    shipped = _read(resources.files("homesec_bench.reports").joinpath(SHIPPED).read_text("utf-8"), SHIPPED)
    prices = list(shipped.prices)
    if user_file is not None:
        path = Path(user_file)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise PriceError(f"cannot read price file {path} ({exc.strerror}); check --prices") from None
        prices = _read(text, str(path)).prices + prices
    return PriceBook(prices=prices)


def provider_of(summary: RunSummary, book: PriceBook) -> str | None:
    """The provider a run's prices are listed under: its preset, else the preset with its host."""
    if summary.preset and summary.preset in book.providers():
        return summary.preset
    from homesec_bench.runner.presets import PRESETS

    host = urlsplit(summary.base_url).hostname
    for preset in PRESETS.values():
        if host and urlsplit(preset.base_url).hostname == host and preset.name in book.providers():
            return preset.name
    return summary.preset


def run_cost(summary: RunSummary, book: PriceBook) -> RunCost:
    if summary.locality == "local":
        return RunCost(text="not charged per token (local model)")
    provider = provider_of(summary, book)
    price = book.find(provider, summary.model)
    if price is None:
        who = f"{provider}/{summary.model}" if provider else summary.model
        return RunCost(text=f"unknown: no price for {who}; add one with --prices FILE")
    if summary.prompt_tokens is None or summary.requests_without_prompt_counts:
        missing = summary.requests_without_prompt_counts
        return RunCost(price=price, text=f"unknown: {missing} request(s) reported no prompt token count")
    if summary.requests_without_token_counts:
        missing = summary.requests_without_token_counts
        return RunCost(price=price, text=f"unknown: {missing} request(s) reported no output token count")
    usd = (summary.prompt_tokens * price.input + summary.output_tokens * price.output) / 1_000_000
    passed = summary.overall.passed
    per_pass = usd / passed if passed else None
    text = f"${usd:.4f}" + (f" (${per_pass:.5f} per passed test)" if per_pass is not None else "")
    return RunCost(usd=usd, per_passed_test_usd=per_pass, price=price, text=text)
