#!/usr/bin/env bash
# Installs the Debian packages the project needs and the machine lacks:
# PostgreSQL's server binaries (the private cluster), Chromium (browser tests),
# Java and Node (accessibility and HTML checks), wrk and nginx (the benchmark),
# Redis (shared state), Varnish with its xkey module (the HTTP cache), and DejaVu with
# FriBiDi (the share cards' font, and right-to-left headlines through Pillow's Raqm).
# Quick when everything is there; as a non-root user it only says what is missing.
set -euo pipefail

missing=()
have_pg() {
    command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
have_pg || missing+=(postgresql)
command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql-client)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)   # the Nu HTML Checker
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)              # axe-core, vnu-jar, lighthouse
command -v wrk >/dev/null 2>&1 || missing+=(wrk)                     # make bench
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)   # shared state
command -v varnishd >/dev/null 2>&1 || missing+=(varnish)            # the HTTP cache
ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules)  # xkey
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)           # make bench: static ceiling
ls /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf >/dev/null 2>&1 || missing+=(fonts-dejavu-core)  # share cards
ls /usr/lib/*/libfribidi.so.0 >/dev/null 2>&1 || missing+=(libfribidi0)  # share cards: RTL

if [ ${#missing[@]} -eq 0 ]; then
    echo "==> System packages present"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "==> Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
