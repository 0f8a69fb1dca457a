#!/usr/bin/env bash
# The process tests' unprivileged user: the AccessDenied tests read a root-owned process
# from a node child that drops to this user. Idempotent; needs root (CI runs it as root).
set -euo pipefail
user=hostprobe-test
if id -u "$user" >/dev/null 2>&1; then
  echo "user $user present (uid $(id -u "$user"))"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "not root: cannot create user $user; the AccessDenied tests will skip outside CI" >&2
  exit 0
fi
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
echo "created user $user (uid $(id -u "$user"))"
