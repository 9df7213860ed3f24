#!/usr/bin/env bash
# Install the Debian packages the course needs, when running as root with apt.
# Idempotent and quick when they are already installed; explains itself otherwise.
set -euo pipefail

packages=(bubblewrap dataset-fashion-mnist chromium poppler-utils)  # chromium: the reports and PDFs; poppler-utils: pdftotext, to check the PDFs
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: ${packages[*]} already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system packages: missing ${missing[*]}; not root or no apt-get, so not installing them."
  echo "  install them yourself (sudo apt-get install -y ${missing[*]}), or see README.md (Data)."
  exit 0
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
