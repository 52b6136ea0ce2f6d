#!/usr/bin/env bash
# Install the teacher's JupyterHub into the project folder (.hub/, git-ignored), never globally:
#   .hub/venv   JupyterHub, nbgitpuller and the course's requirements.txt (the hub and every student's server)
#   .hub/proxy  configurable-http-proxy from the npm registry, at the version locked in package-lock.json
# Node.js itself is the system's: if `node` is missing, root gets Debian's nodejs from apt-get, anyone
# else a message saying what to install. Re-running is instant while the stamp matches the three files.
set -euo pipefail
cd "$(dirname "$0")/../.."
HUB=.hub
PYTHON=${PYTHON:-python3}
sum=$(cat requirements.txt tools/hub/requirements.txt tools/hub/package-lock.json | cksum | cut -d' ' -f1)
STAMP=$HUB/.installed-$sum
if [ -e "$STAMP" ] && [ -x "$HUB/venv/bin/jupyterhub" ] && [ -x "$HUB/proxy/node_modules/.bin/configurable-http-proxy" ]; then
  exit 0
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "hub: installing Debian's nodejs and npm (JupyterHub's proxy runs on Node.js)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "hub: JupyterHub's proxy needs Node.js (node and npm), which is not installed." >&2
    echo "hub: install it first, e.g. 'sudo apt-get install nodejs npm' on Debian/Ubuntu, then run make hub again." >&2
    exit 3
  fi
fi

mkdir -p "$HUB"
echo "hub: installing JupyterHub and the students' environment into $HUB/venv ..."
test -x "$HUB/venv/bin/python" || "$PYTHON" -m venv "$HUB/venv"
"$HUB/venv/bin/python" -m pip install --disable-pip-version-check -q -r tools/hub/requirements.txt
echo "hub: installing configurable-http-proxy into $HUB/proxy ..."
mkdir -p "$HUB/proxy"
cp tools/hub/package.json tools/hub/package-lock.json "$HUB/proxy/"
npm ci --prefix "$HUB/proxy" --no-audit --no-fund --loglevel=error >/dev/null
rm -f "$HUB"/.installed-* && touch "$STAMP"
echo "hub: installed."
