#!/usr/bin/env bash
# Installs code-server (a full VS Code workbench + Node extension host) into .cache/code-server,
# offline: only the npm registry and Debian packages are needed. See docs in test/vscode/README.md.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${CODE_SERVER_DIR:-$ROOT/.cache/code-server}"
BIN="$DEST/node_modules/.bin/code-server"

if [ -x "$BIN" ] && [ "$(cat "$DEST/.installed-version" 2>/dev/null)" = "$VERSION" ]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi

missing=()
for cmd in rg g++ make python3; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/gssapi.h ] || missing+=("gssapi.h")
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-code-server: missing ${missing[*]}." >&2
  echo "  apt-get install -y libkrb5-dev ripgrep g++ make python3 chromium" >&2
  exit 2
fi
case "$(node -v)" in v20.*) ;; *) echo "install-code-server: code-server $VERSION needs Node 20 (found $(node -v))" >&2; exit 2;; esac

# @vscode/ripgrep's post-install downloads rg from GitHub; it looks in this cache first.
TMP="${TMPDIR:-/tmp}"
RG_CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_TAR" ]; then
  mkdir -p "$RG_CACHE"
  work="$(mktemp -d)"
  cp "$(command -v rg)" "$work/rg"
  tar -czf "$RG_TAR" -C "$work" rg
  rm -rf "$work"
fi

mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json
echo "Installing code-server@$VERSION into $DEST (about a minute)..."
npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm "code-server@$VERSION"
echo "$VERSION" > .installed-version
echo "code-server $VERSION installed: $BIN"
