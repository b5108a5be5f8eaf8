#!/usr/bin/env bash
# Installs every Debian package OpenArc's build and tests need. Idempotent: quiet when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  clang libclang-rt-14-dev            # libFuzzer and the sanitizer runtime
  libpugixml-dev nlohmann-json3-dev libcpp-httplib-dev libpcre2-dev libcli11-dev
  libboost-dev                         # Boost.Beast + Asio: the HTTP server
  libicu-dev                           # Unicode normalization (NFC ...) and properties for the tokenizer
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy python3-jinja2         # independent references for the tests (Debian's system python3)
  nodejs chromium                      # end-to-end tests: the openai SDK and the dashboard
)
# The machine image may bring its own npm; Debian's is needed only where there is none.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
