#!/usr/bin/env bash
# One-step set-up on a fresh machine: a virtual environment in .venv holding kipoi-prism
# (editable), its pinned dependencies, selene-sdk (installed without its dependencies:
# it pins an old torch), and the BEDTools binary that pybedtools' operations call.
# Idempotent: a second run with unchanged inputs returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python=$candidate; break; fi
  done
fi
[ -n "$python" ] || { echo "setup: no python3 found; set PYTHON=/path/to/python3.11" >&2; exit 1; }

stamp=.venv/.setup-stamp
want=$(cat setup.cfg pyproject.toml requirements/*.txt scripts/setup.sh | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && command -v bedtools >/dev/null 2>&1; then
  exit 0
fi

log() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v bedtools >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing bedtools (apt-get)"
    apt-get update -qq >/dev/null && apt-get install -y -qq bedtools >/dev/null
  else
    log "bedtools is not installed; install it (Debian/Ubuntu: sudo apt-get install bedtools;"
    log "conda: conda install -c bioconda bedtools; macOS: brew install bedtools) and rerun"
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  log "creating .venv with $($python --version 2>&1)"
  "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
log "installing dependencies into .venv (first run: a few minutes)"
"${pip[@]}" --upgrade pip "setuptools<81" wheel
"${pip[@]}" -c requirements/constraints.txt -e ".[test]"
# selene-sdk 0.6.0 pins torch<=2.3.1; it runs on our torch with the workarounds in
# kipoi_prism/selene.py, so it goes in without its dependencies, which are listed here.
"${pip[@]}" -c requirements/constraints.txt -r requirements/selene.txt
"${pip[@]}" --no-deps selene-sdk==0.6.0
echo "$want" > "$stamp"
log "done: .venv is ready"
