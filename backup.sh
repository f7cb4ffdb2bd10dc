#!/usr/bin/env bash
# Nightly backup of the JQL Reports database: one verified copy named by UTC time,
# then only the newest ADDON_BACKUP_KEEP copies are kept. Meant for cron or a
# systemd timer; on any failure it says why, exits non-zero and deletes nothing.
set -euo pipefail
cd "$(dirname "$0")"

dir=${ADDON_BACKUP_DIR:-./backups}
keep=${ADDON_BACKUP_KEEP:-14}
python=${ADDON_PYTHON:-}
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python3; fi
fi

fail() { echo "backup.sh: $*; no backup deleted" >&2; exit 1; }

[[ "$keep" =~ ^[1-9][0-9]*$ ]] || fail "ADDON_BACKUP_KEEP must be a whole number of at least 1 (got '$keep')"
mkdir -p "$dir" || fail "cannot create $dir"
chmod 700 "$dir" || fail "cannot restrict $dir to its owner"

name="$dir/addon-$(date -u +%Y%m%dT%H%M%S.%3NZ).db"
"$python" addon.py backup "$name" || fail "the backup into $name failed"

# Names sort by time; everything past the newest $keep goes.
mapfile -t old < <(ls -1 "$dir" | grep -E '^addon-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z\.db$' | sort -r | tail -n +"$((keep + 1))")
for f in "${old[@]}"; do
  rm -f -- "$dir/$f"
done
echo "backup.sh: kept the newest $keep backups in $dir (removed ${#old[@]})"
