#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu 22.04 base).
# It installs the Python this course was tested with and the exact versions of
# requirements.txt, PyTorch as its CPU build (Gradescope has no GPU).
set -euxo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends software-properties-common
add-apt-repository -y ppa:deadsnakes/ppa || true
apt-get update
apt-get install -y --no-install-recommends python3.11 python3.11-venv bubblewrap
python3.11 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --upgrade pip
/autograder/venv/bin/python -m pip install --extra-index-url https://download.pytorch.org/whl/cpu \
    -r /autograder/source/requirements.txt
