#!/usr/bin/env bash
# Debian packages used by tests (and, with the `bench` argument, by benchmarks). Idempotent and
# non-interactive: a package already present is not touched. Usage: scripts/install-system-deps.sh [bench] [cluster]
set -euo pipefail
# qpdf: tests check every produced PDF with `qpdf --check`; unzip: `unzip -t` on every zip.
pkgs=(qpdf unzip)
# acceptance minutes: `libreoffice --headless --convert-to pdf` (calc without GUI), `pdftotext`, and
# fonts with Vietnamese glyphs (Liberation = Times New Roman/Arial metrics).
pkgs+=(libreoffice-calc-nogui poppler-utils fonts-liberation2)
# test/web: browser tests drive Debian's chromium (/usr/bin/chromium) with playwright-core.
pkgs+=(chromium)
# page checks and OCR (activities/quality): tesseract's orientation detection (osd comes with it) and
# Vietnamese; test pages are drawn with ImageMagick's `convert`, and bench:quality compares with `identify`.
pkgs+=(tesseract-ocr tesseract-ocr-vie imagemagick)
# bench/packaging.ts baselines: `img2pdf` per case and `zip -0 -r`.
for a in "$@"; do
  case "$a" in
    bench) pkgs+=(img2pdf zip) ;;
    # make up-cluster: PostgreSQL 15 run by scripts/cluster (its own data folder; the package's own
    # service is not used), curl for the health checks.
    cluster) pkgs+=(postgresql-15 postgresql-client-15 curl) ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
