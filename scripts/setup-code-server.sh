#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100) and headless Chromium for the real-VS-Code e2e suite.
#
# Idempotent and cached: the install lives in
#   ${TRAINING_LENS_CACHE:-$HOME/.cache/training-lens}/code-server-4.100.3
# and a stamp file marks it complete, so a second run returns in well under a second.
#
# Works without reaching GitHub: code-server's own install scripts download ripgrep from GitHub (not reachable
# here) and need Kerberos headers, so we install with --ignore-scripts and do their work by hand.
# Prints the path of the code-server launcher as its last line (`CODE_SERVER=<path>`).
set -euo pipefail

CS_VERSION=4.100.3
CACHE_ROOT="${TRAINING_LENS_CACHE:-$HOME/.cache/training-lens}"
DIR="$CACHE_ROOT/code-server-$CS_VERSION"
STAMP="$DIR/.complete"
PKG="$DIR/node_modules/code-server"
BIN="$PKG/out/node/entry.js"

t0=$(date +%s)
step_start=$t0
log() { echo "[setup-code-server] $*" >&2; }
step() {
  local now; now=$(date +%s)
  log "$1 ($((now - step_start)) s)"
  step_start=$now
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi
}

# --- Debian packages --------------------------------------------------------------------------------------
need_pkgs=()
[ -x /usr/bin/rg ] || need_pkgs+=(ripgrep)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
if [ ! -f "$STAMP" ] && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then need_pkgs+=(libkrb5-dev); fi
# fonts so that screenshots show text (chromium pulls a font in, but be explicit)
if ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then need_pkgs+=(fonts-dejavu-core); fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing Debian packages: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2
  as_root apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
  step "Debian packages installed"
fi

# --- code-server ------------------------------------------------------------------------------------------
if [ -f "$STAMP" ] && [ -f "$BIN" ]; then
  log "code-server $CS_VERSION cached in $DIR"
  echo "CODE_SERVER=$PKG/out/node/entry.js"
  exit 0
fi

log "installing code-server $CS_VERSION into $DIR (takes 2-3 minutes)"
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
cat > package.json <<EOF
{ "name": "training-lens-code-server-cache", "private": true, "version": "0.0.0" }
EOF
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
npm install --no-save --ignore-scripts --loglevel=error "code-server@$CS_VERSION" >&2
step "npm install code-server"

cd "$PKG/lib/vscode"
npm install --omit=dev --ignore-scripts --loglevel=error >&2
step "npm install lib/vscode deps"

# @vscode/ripgrep's postinstall downloads rg from GitHub; it skips when bin/ exists.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
# node-pty's post-install calls npx
npm_config_yes=true npm rebuild --loglevel=error >&2
step "npm rebuild lib/vscode (native modules)"
ln -sfn node_modules node_modules.asar
( cd bin/remote-cli && ln -sfn code-linux.sh code-server )
( cd bin/helpers && ln -sfn browser-linux.sh browser.sh )
( cd extensions && npm install --omit=dev --loglevel=error >&2 )
step "npm install lib/vscode/extensions"

cd "$DIR"
npm rebuild argon2 --loglevel=error >&2
step "npm rebuild argon2"

# smoke test: the launcher must at least print its version
XDG_CONFIG_HOME="$DIR/.config" node "$BIN" --version >&2
date -u +%FT%TZ > "$STAMP"
log "done in $(( $(date +%s) - t0 )) s"
echo "CODE_SERVER=$PKG/out/node/entry.js"
