#!/usr/bin/env bash
# Socket Lab from a fresh checkout, on Debian 12 (or similar) as root:
#   scripts/quickstart.sh start [server options]   install what is missing, build, serve http://127.0.0.1:4321
#   scripts/quickstart.sh test                     install what is missing, run the whole test suite
# It installs Debian packages the lab and its lessons need, Node 24 (into .tools/) when the system Node is older
# than Astro's minimum, and the npm dependencies.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD

log() { printf '\033[1m[quickstart]\033[0m %s\n' "$*" >&2; }

APT_PACKAGES=(
  # the sandbox: bubblewrap; nsenter, setpriv and prlimit come with util-linux
  bubblewrap util-linux
  # what lessons run and use inside it
  python3 python3-websockets iproute2 procps curl socat netcat-openbsd coreutils
  mono-mcs mono-runtime libmono-i18n-cjk4.0-cil
  # the wire view's capture of each workspace's loopback
  tcpdump
  # building node-pty
  make g++
  # browser tests and screenshots (Chinese text needs a CJK font)
  chromium fonts-noto-cjk fonts-noto-color-emoji
)

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then return; fi
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Astro 7 needs Node >= 22.12; the course runs Node 24 LTS (the npm package node@24 ships its binary).
node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

ensure_node() {
  export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
  if node_is_recent; then return; fi
  if ! command -v npm >/dev/null 2>&1; then
    log "installing Debian's npm to fetch Node 24 with"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm
  fi
  log "system Node $(node --version 2>/dev/null || echo none) is too old: installing Node 24 into .tools/"
  npm install --prefix "$ROOT/.tools" --no-save --no-audit --no-fund node@24 >&2
  hash -r
  node_is_recent || { log "Node 24 did not install"; exit 1; }
}

ensure_npm_deps() {
  # node-gyp builds node-pty (an N-API addon, so any recent headers do) against the system's Node headers, since
  # nodejs.org is not reachable to download Node 24's.
  if [ -f /usr/include/node/node_api.h ]; then export npm_config_nodedir=/usr; fi
  local stamp="node_modules/.quickstart-$(node --version)-$(sha256sum package-lock.json | cut -c1-16)"
  if [ -f "$stamp" ]; then return; fi
  log "installing npm dependencies"
  npm ci --no-audit --no-fund >&2
  touch "$stamp"
}

command="${1:-}"
case "$command" in
  start | test) shift ;;
  *)
    echo "usage: $0 start [server options] | test" >&2
    exit 2
    ;;
esac

install_apt_packages
ensure_node
ensure_npm_deps
log "node $(node --version) at $(command -v node)"

if [ "$command" = test ]; then
  exec npm test
fi
npm run build >&2
exec node server/src/cli.ts start "$@"
