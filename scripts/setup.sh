#!/usr/bin/env bash
# Create .venv and install Tradewind with everything its examples and tests use (idempotent, quiet).
# System packages: Tesseract (OCR in the seed's image pipeline), Chromium (web UI browser tests) and
# docker-compose (v1, whose `config -q` validates compose.yaml without a Docker engine: tests/e2e/test_compose.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ "${TRADEWIND_SETUP_BROWSER:-1}" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: please install ${missing[*]} (apt-get install ${missing[*]})" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>/dev/null || true
pip_log="$(mktemp)"
if ! .venv/bin/python -m pip install --quiet -e '.[test]' >"$pip_log" 2>&1; then
  cat "$pip_log" >&2; rm -f "$pip_log"; exit 1
fi
rm -f "$pip_log"
.venv/bin/python -c "import tradewind" # fail loudly if the install did not work
