#!/usr/bin/env bash
# Set up a fresh machine: Debian packages the renderer needs, a venv, torch (pinned, CPU wheel) first, then the rest.
# Usage: scripts/setup.sh [--test]   (--test also installs the test extras and the office/browser tools tests use)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
want_test=0; [ "${1:-}" = "--test" ] && want_test=1

debs=(graphviz fonts-noto-cjk fonts-noto-core)  # fonts-noto-core: Noto Sans, the Latin face (12 MB download)
[ $want_test = 1 ] && debs+=(libreoffice-impress poppler-utils chromium)
[ $want_test = 1 ] && ! command -v npm >/dev/null && debs+=(npm)  # yaml-language-server, for tests/test_editor.py
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Bytecode for our own code, in place (renderer/__pycache__, …; git ignores them). pip compiles what it installs,
# but the editable checkout is never compiled when PYTHONDONTWRITEBYTECODE=1 (set on CI-like machines): then
# every process recompiles the renderer (W1 1.2× slower). Reading .pyc files works under that setting, and
# Python checks each against its source, so an edited file is simply compiled in memory until the next setup.
compile_ours() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -m compileall -q -j 0 renderer compute >/dev/null \
  || echo "setup: some files of renderer/ or compute/ did not compile (see python -m compileall)" >&2; }

stamp="$VENV/.vizspec-installed"
[ $want_test = 1 ] && stamp="$VENV/.vizspec-installed-test"
if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then compile_ours; exit 0; fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
pip_install() {  # quiet on success; the whole pip log on failure
  local log; log=$(mktemp)
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" >"$log" 2>&1; then
    grep -v "^WARNING: Location '" "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}
echo "setup: installing Python packages into $VENV"
if [ $want_test = 1 ]; then
  # torch (the tests' reference implementations; no compute function needs it) first and alone: the CPU wheel
  # on disk; any looser request would pull a multi-GB CUDA build.
  pip_install "torch==2.13.0"
  pip_install -e ".[test]"
else
  pip_install -e .
fi
if [ $want_test = 1 ]; then  # the editor's language server, driven by tests/test_editor.py (pinned)
  npm install --prefix "$VENV/node" --no-audit --no-fund --silent yaml-language-server@1.25.0 >/dev/null
fi
touch "$stamp"
compile_ours
