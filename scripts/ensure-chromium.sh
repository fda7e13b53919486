#!/usr/bin/env bash
# Makes sure a Chromium the webview tests can drive (playwright-core, executablePath /usr/bin/chromium) is installed.
# Idempotent; installs from Debian packages when missing (needs root, or sudo without a password). Used by CI too.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "ensure-chromium: chromium is missing and this user is not root (no sudo); install the 'chromium' package" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium fonts-dejavu-core
command -v chromium >/dev/null 2>&1
