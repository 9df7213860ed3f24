#!/usr/bin/env bash
# Make `--isolation docker` work here, as far as this machine allows (make setup runs it):
#   1. a Docker engine: if none answers and we are root with apt, install Debian's docker.io and
#      start `dockerd --bridge=none --iptables=false` (no bridge: no container network exists at all);
#   2. the grading image, `grader image build`: on python:3.11-slim if Docker Hub answers, else on a
#      local base (tools/docker-base.sh); PyTorch's CPU wheels if their index answers, else PyPI's build.
# Quick when both exist. Never fails the set-up: without an engine it says why, and the Docker
# tests say so too (README, Docker).
set -euo pipefail
cd "$(dirname "$0")/.."
grader=.venv/bin/grader

engine_answers() { command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; }

if ! engine_answers; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "docker: no engine answers and this is not root with apt: --isolation docker and its tests are off (README, Docker)"
    exit 0
  fi
  if ! command -v dockerd >/dev/null; then
    echo "docker: installing Debian's docker.io"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  fi
  echo "docker: starting dockerd --bridge=none --iptables=false (log: /tmp/dockerd.log)"
  setsid nohup dockerd --bridge=none --iptables=false >/tmp/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 60); do engine_answers && break; sleep 1; done
  engine_answers || { echo "docker: dockerd did not come up (see /tmp/dockerd.log)"; exit 0; }
fi

tag=$("$grader" image tag)
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "docker: image $tag is built"
  exit 0
fi

base=python:3.11-slim
if ! docker image inspect "$base" >/dev/null 2>&1 && ! timeout 60 docker pull -q "$base" >/dev/null 2>&1; then
  base=local/python-slim:3.11
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    echo "docker: Docker Hub does not answer: building the base $base (tools/docker-base.sh)"
    tools/docker-base.sh "$base" .venv/bin/python
  fi
fi
torch_index=https://download.pytorch.org/whl/cpu
if ! curl -sf --max-time 10 -o /dev/null "$torch_index/torch/"; then
  echo "docker: PyTorch's CPU index does not answer: the image takes PyPI's build, with CUDA's libraries"
  torch_index=
fi
started=$(date +%s)
"$grader" image build --base "$base" --torch-index "$torch_index" >/dev/null
echo "docker: built $tag in $(( $(date +%s) - started )) s"
