#!/usr/bin/env bash
# Installs what Dossier needs on a Debian machine with Python 3.11+: the system
# libraries (libmagic for python-magic; Tesseract 5 with its English and Spanish
# models for OCR; with --test, Chromium for the browser tests and the DejaVu fonts
# the OCR tests type their scans in), a virtualenv in .venv and the project in it.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1' || missing+=(libmagic1)
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
for lang in eng spa; do
    [ -n "$(find /usr/share/tesseract-ocr -name "$lang.traineddata" 2>/dev/null)" ] || missing+=("tesseract-ocr-$lang")
done
if [ "$with_tests" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ "$with_tests" = 1 ] && [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then missing+=(fonts-dejavu-core); fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]} with apt-get" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.dossier-installed
extras=""; [ "$with_tests" = 1 ] && extras="[test]"
# Reinstall only when pyproject.toml changed (or the extras differ).
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || ! grep -qxF "$extras" "$stamp"; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
    printf '%s\n' "$extras" > "$stamp"
fi
