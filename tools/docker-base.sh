#!/usr/bin/env bash
# Build a local base image for docker/Dockerfile where Docker Hub (python:3.11-slim) cannot be reached.
#
#   tools/docker-base.sh [TAG] [PYTHON]       (root; defaults: local/python-slim:3.11, .venv/bin/python)
#
# A Debian bookworm root filesystem made with debootstrap from Debian's packages, plus the
# CPython the course's venv was built from, copied to /usr/local as in python:3.11-slim
# (its standard library only, no site-packages). Debian's own python3 (3.11.2) is too old for
# the lock (pandas and others need 3.11.5 or newer), and the interpreter the tests ran with is
# the one the course was tested with. Then `docker import`. Takes about a minute.
set -euo pipefail

tag=${1:-local/python-slim:3.11}
python=${2:-.venv/bin/python}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" -ne 0 ]; then
  echo "docker-base: debootstrap needs root" >&2
  exit 1
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }

read -r prefix version < <("$python" -c 'import sys; print(sys.base_prefix, "%d.%d" % sys.version_info[:2])')
root=$(mktemp -d /tmp/docker-base.XXXXXX)
trap 'rm -rf "$root"' EXIT

# The shared libraries CPython's extension modules link against (ssl, sqlite3, ctypes, lzma, ...).
libraries=ca-certificates,libssl3,libffi8,zlib1g,libsqlite3-0,libbz2-1.0,liblzma5,libreadline8,libncursesw6,libexpat1,libuuid1,libgomp1
debootstrap --variant=minbase --include="$libraries" bookworm "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -20 "$root.log"; echo "docker-base: debootstrap failed (log: $root.log)" >&2; exit 1; }
rm -f "$root.log"

mkdir -p "$root/usr/local/bin" "$root/usr/local/lib"
cp -a "$prefix/bin/python$version" "$root/usr/local/bin/"
cp -a "$prefix"/lib/libpython"$version"*.so* "$root/usr/local/lib/" 2>/dev/null || true
tar -C "$prefix/lib" --exclude="python$version/site-packages/*" --exclude="python$version/dist-packages/*" \
    --exclude="python$version/test" --exclude="__pycache__" -cf - "python$version" | tar -C "$root/usr/local/lib" -xf -
ln -s "python$version" "$root/usr/local/bin/python3"
ln -s "python$version" "$root/usr/local/bin/python"
chroot "$root" ldconfig
chroot "$root" /usr/local/bin/python3 -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, venv, ensurepip" \
  || { echo "docker-base: the copied interpreter does not run in the base" >&2; exit 1; }

tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python3"]' - "$tag" >/dev/null
echo "docker-base: $tag (Debian bookworm, Python $("$python" -c 'import platform; print(platform.python_version())') from $prefix)"
