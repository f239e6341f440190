#!/usr/bin/env bash
# Set up everything on a fresh Debian machine with Python 3.11: system packages,
# a virtual environment at .venv with the pinned dependencies (requirements.lock),
# and the `decree` command. Safe to run again: it skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# tesseract-ocr + tesseract-ocr-vie: OCR of scans and of PDFs whose text layer is unusable.
# libreoffice-writer-nogui: converts Word 97 (.doc) and RTF files to DOCX (soffice --headless).
# libreoffice-calc-nogui: converts Excel 97 (.xls) workbooks to XLSX.
# python3-uno: LibreOffice's Python bridge, so one LibreOffice is kept running for a batch
#   (pipeline/read/office_bridge.py runs under the system Python; without it each file starts LibreOffice).
# poppler-utils: pdftotext, compared against in the benchmarks.
# fonts-dejavu-core: a Vietnamese-capable TrueType font, used by the tests to render PDFs.
# chromium: the browser the review site's end-to-end test drives (Playwright, no browser download).
APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils fonts-dejavu-core chromium)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv && "$PYTHON" -m venv .venv
  fi
fi

# Reinstall only when the lock file changed since the last successful install.
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/decree ]; then
  echo "setup: installing Python dependencies (requirements.lock)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi
# The project's own bytecode, written now: pip compiles the installed packages but not an editable
# project, and where PYTHONDONTWRITEBYTECODE is set (CI images, containers) every `decree` run would
# otherwise compile ~40 modules from source again (0.1-0.2 s a start). Cheap, and re-done on each setup.
.venv/bin/python -m compileall -q -j 0 pipeline flows >/dev/null || echo "setup: could not write bytecode (runs still work)"
# Warm the local Prefect API server once (creating and migrating its database on a first run),
# so the first `decree process` does not pay for it; it stops by itself when left idle.
if [ -z "${PREFECT_API_URL:-}" ]; then
  .venv/bin/decree prefect --start >/dev/null || echo "setup: the Prefect server did not start now; the first run will start it"
fi
echo "setup: ready (.venv/bin/decree)"
