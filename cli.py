"""The operator's commands of JQL Reports (`python addon.py <command>`): serve, the
demo, the schema, backups and restores, exports, imports and removal.

addon.py's ``main`` hands its command line here; this module reads and writes the
database through addon.py's own storage functions.
"""

import argparse
import contextlib
import datetime
import fcntl
import os
import sqlite3
import sys
import urllib.parse

import replica
from addon import (
    MIGRATIONS,
    _base_url,
    base_url_problem,
    connect,
    contact_kind,
    count_reports,
    count_site_reports,
    delete_tenant,
    insert_report,
    load_config,
    make_app,
    migrate_file,
    now_iso,
    report_json,
    run_server,
    schema_version,
    select_full_reports,
    select_reports,
    select_tenant,
    select_tenants,
    write,
)
from documents import (
    MAX_REPORTS,
    DocumentError,
    operator_reports,
    room_problem,
    write_export,
)

####################################################################################
# Operations: backup, restore, removal
####################################################################################


@contextlib.contextmanager
def server_lock(db_path):
    """Hold the lock that says a process serves this database (serve, restore)."""
    fd = os.open(db_path + ".lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CliError(
                f"a JQL Reports server is using {db_path}; stop it first "
                "(systemctl stop jql-reports) and try again"
            ) from None
        yield
    finally:
        os.close(fd)


def _fresh_private_file(path):
    if os.path.exists(path):
        os.remove(path)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def verify_database(path):
    """Check a database file is an intact JQL Reports database; return its counts."""
    try:
        db = sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=ro", uri=True)
        with contextlib.closing(db):
            return _database_counts(db, path)
    except sqlite3.DatabaseError as err:
        raise CliError(f"{path} is not a usable JQL Reports database ({err})") from err


def _database_counts(db, path):
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        raise CliError(f"{path} fails the integrity check")
    if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise CliError(f"{path} has reports without a tenant")
    version = schema_version(db)
    if not 1 <= version <= len(MIGRATIONS):
        raise CliError(f"{path} has schema version {version}; this code knows "
                       f"1 to {len(MIGRATIONS)}")
    tenants = db.execute("SELECT COUNT(*) FROM tenants").fetchone()[0]
    return tenants, count_reports(db)


def copy_database(src_path, dest_path):
    """Copy a live database with SQLite's online backup API, then verify the copy."""
    if os.path.exists(dest_path):
        raise CliError(f"{dest_path} already exists; choose a new name")
    partial = dest_path + ".partial"
    _fresh_private_file(partial)
    try:
        with contextlib.closing(sqlite3.connect(src_path)) as src, \
                contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        counts = verify_database(partial)
        _fsync(partial)
        os.replace(partial, dest_path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return counts


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore_database(src_path, db_path):
    """Replace the database with a verified copy; keep the old one beside it."""
    verify_database(src_path)
    replica.refuse_while_replicating(db_path)
    staged = db_path + ".restoring"
    if os.path.exists(staged):
        os.remove(staged)
    counts = copy_database(src_path, staged)
    if os.path.exists(db_path):
        kept = db_path + ".before-restore"
        _fresh_private_file(kept)
        with contextlib.closing(connect(db_path)) as old, \
                contextlib.closing(sqlite3.connect(kept)) as copy:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            old.backup(copy)
    os.replace(staged, db_path)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    replica.reset_local_state(db_path)  # "Deleting SQLite databases", Tips & Caveats
    return counts


def purge_tenants(path, client_keys):
    """Delete tenants and their reports, then VACUUM so no deleted bytes remain."""
    db = connect(path)
    with contextlib.closing(db):
        with write(db):
            removed = sum(delete_tenant(db, key) for key in client_keys)
        db.execute("VACUUM")
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    if busy:
        # A long reader pinned the old pages: they stay in the file and its WAL
        # until the last connection closes cleanly (a killed server does not).
        raise CliError(f"deleted, but a reader kept old pages in {path}-wal; stop the "
                       "server (and Litestream), run `addon.py tenants` once to clear "
                       "them, start it")
    return removed


def select_stale_tenants(db, days):
    """Tenants uninstalled more than ``days`` days ago."""
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    stamp = cutoff.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return db.execute(
        """
        SELECT client_key, base_url, uninstalled_at FROM tenants
        WHERE status = 'uninstalled' AND uninstalled_at < ?
        ORDER BY uninstalled_at
        """,
        (stamp,),
    ).fetchall()


####################################################################################
# CLI
####################################################################################


def cmd_serve(config, args):
    """Serve the add-on (waitress, behind a TLS proxy)."""
    if not _base_url(config):
        return fail("ADDON_BASE_URL is not set: give the public https URL Jira calls.")
    if base_url_problem(_base_url(config)):
        return fail(base_url_problem(_base_url(config)))
    contact = config.get("addon.contact")
    if contact and not contact_kind(contact):
        return fail(f"ADDON_CONTACT {contact!r} is neither an email address nor an "
                    "https URL.")
    if not contact:
        print("warning: ADDON_CONTACT is not set, so /privacy names no address for "
              "export, removal and security requests", file=sys.stderr, flush=True)
    with server_lock(config["addon.db"]):
        app = make_app(config)
        run_server(app, config, f"JQL Reports serving {_base_url(config)} on "
                   f"http://{config['addon.host']}:{config['addon.port']}")
    return 0


def cmd_demo(config, args):
    """Run the offline demo: a demo site, example reports, an in-browser Jira."""
    import demo  # here only: `serve` never loads the demo

    return demo.run(config, args)


def cmd_init_db(config, args):
    """Create or upgrade the database schema."""
    migrate_file(config["addon.db"])
    print(f"database ready: {config['addon.db']}")
    return 0


def cmd_tenants(config, args):
    """List tenants; with --uninstalled-before, the ones due for removal."""
    with contextlib.closing(_open_existing(config)) as db:
        if args.uninstalled_before is not None:
            stale = select_stale_tenants(db, args.uninstalled_before)
            return _purge_stale(config, args, [r["client_key"] for r in stale])
        rows = select_tenants(db)
    print(f"{'client key':40} {'status':12} {'reports':>7}  base URL")
    for r in rows:
        print(f"{r['client_key']:40} {r['status']:12} {r['reports']:>7}  {r['base_url']}")
    print(f"{len(rows)} tenant(s)")
    return 0


def _purge_stale(config, args, keys):
    days = args.uninstalled_before
    if not (args.purge and args.yes):
        print(f"{len(keys)} tenant(s) uninstalled more than {days} days ago: "
              f"{', '.join(keys) or 'none'}; add --purge --yes to remove them")
        return 0
    copies = _backup_files(args.backups) if args.backups else []
    removed = purge_everywhere(config, keys, copies, args.replica)
    print(f"removed {removed} tenant(s) uninstalled more than {days} days ago"
          f" (and from {len(copies)} backups)")
    return 0


def cmd_backup(config, args):
    """Write a verified copy of the live database to DEST."""
    _open_existing(config).close()
    tenants, reports = copy_database(config["addon.db"], args.dest)
    size = os.path.getsize(args.dest)
    print(f"backup {args.dest}: {size} bytes, {tenants} tenants, {reports} reports")
    return 0


def cmd_restore(config, args):
    """Replace the database with a verified backup or replica (server stopped)."""
    path, source = config["addon.db"], args.from_replica or args.src
    kept = f" (the previous file is kept as {path}.before-restore)" if os.path.exists(
        path) else ""
    with server_lock(path):
        if args.from_replica:
            with replica.fetched(args.from_replica, path) as fetched:
                tenants, reports = restore_database(fetched, path)
        else:
            tenants, reports = restore_database(args.src, path)
    print(f"restored {tenants} tenants and {reports} reports from {source} into "
          f"{path}{kept}")
    return 0


def cmd_export(config, args):
    """Write a tenant's report configurations as a JSON export."""
    with contextlib.closing(_open_existing(config)) as db:
        _tenant_or_fail(db, args.client_key)
        # One statement read row by row: one moment of the site (a WAL snapshot
        # lasts until the cursor is done), a report at a time in memory.
        rows = select_full_reports(db, args.client_key)
        reports = (report_json(r) for r in rows)
        if not args.out:
            write_export(sys.stdout, reports, now_iso())
            return 0
        _fresh_private_file(args.out)
        with open(args.out, "w", encoding="utf-8") as fh:
            count = write_export(fh, reports, now_iso())
    print(f"exported {count} reports of {args.client_key} to {args.out}")
    return 0


def cmd_import(config, args):
    """Create the reports of an export document for a tenant, all or nothing."""
    with contextlib.closing(_open_existing(config)) as db:
        _tenant_or_fail(db, args.client_key)
        with open(args.file, encoding="utf-8") as fh, write(db):
            count = _import_stream(db, args.client_key, fh, args.file)
    print(f"imported {count} reports into {args.client_key}")
    return 0


def _import_stream(db, client_key, fh, name):
    """Store each clean report as the file is read, inside the caller's transaction;
    the first problem raises CliError (naming the report)."""
    room, count = MAX_REPORTS - count_site_reports(db, client_key), 0
    try:
        for count, report in enumerate(operator_reports(fh), start=1):
            if count <= room:  # past the maximum, only count what the file holds
                insert_report(db, client_key, report, None, report["owner"])
    except DocumentError as err:
        raise CliError(str(err)) from err
    except ValueError as err:
        raise CliError(f"{name} is not valid JSON ({err})") from err
    problem = room_problem(MAX_REPORTS - room, count)
    if problem:
        raise CliError(problem)
    return count


def cmd_purge(config, args):
    """Remove a tenant and all its reports for good (and from backups with --backups)."""
    with contextlib.closing(_open_existing(config)) as db:
        row = _tenant_or_fail(db, args.client_key)
        count = len(select_reports(db, args.client_key))
    copies = _backup_files(args.backups) if args.backups else []
    if not args.yes:
        print(f"would delete tenant {args.client_key} ({row['base_url']}) with {count} "
              f"reports, and from {len(copies)} backup(s); add --yes to do it")
        return 0
    purge_everywhere(config, [args.client_key], copies, args.replica)
    print(f"deleted tenant {args.client_key} and {count} reports"
          f" (and from {len(copies)} backups)")
    return 0


def purge_everywhere(config, client_keys, copies, replica_dir=None):
    """Purge tenants from backup copies (each re-verified), then the live database,
    then Litestream's copies: its local state, and the folder replica if given."""
    live = config["addon.db"]
    replicated = replica.prepare_purge(live, replica_dir)
    for path in copies:  # copies first: a failure leaves the tenant to purge again
        purge_tenants(path, client_keys)
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA journal_mode = DELETE")
        verify_database(path)
    removed = purge_tenants(live, client_keys)
    replica.finish_purge(live, replica_dir, replicated)
    return removed


def _backup_files(folder):
    if not os.path.isdir(folder):
        raise CliError(f"{folder} is not a folder")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".db"))
    return [os.path.join(folder, n) for n in names]


def _tenant_or_fail(db, client_key):
    row = select_tenant(db, client_key) or select_tenant(db, client_key, "forge")
    if row is None:
        raise CliError(f"no tenant with client key {client_key!r}")
    return row


def _open_existing(config):
    path = config["addon.db"]
    if not os.path.exists(path):
        raise CliError(f"no database at {path} (set ADDON_DB or --db)")
    try:
        db = connect(path)
    except sqlite3.DatabaseError as err:
        raise CliError(f"{path} is not a usable JQL Reports database ({err})") from err
    version = schema_version(db)
    if version != len(MIGRATIONS):
        db.close()
        raise CliError(f"{path} has schema version {version}, this code "
                       f"{len(MIGRATIONS)}: run `addon.py init-db` with matching code")
    return db


class CliError(Exception):
    """A command failed with a message for the operator."""


def fail(message):
    """Print a one-line failure and return exit status 1."""
    print(f"error: {message}", file=sys.stderr)
    return 1


COMMANDS = {
    "serve": cmd_serve,
    "demo": cmd_demo,
    "init-db": cmd_init_db,
    "tenants": cmd_tenants,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "export": cmd_export,
    "import": cmd_import,
    "purge": cmd_purge,
}


def build_parser(config):
    """The argparse parser; defaults come from the environment."""
    parser = argparse.ArgumentParser(prog="addon.py", description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=config["addon.db"],
                        help="the SQLite file (ADDON_DB; default %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    for p in (serve, demo):
        p.add_argument("--port", type=int, default=config["addon.port"],
                       help="port to listen on (ADDON_PORT; default %(default)s)")
        p.add_argument("--threads", type=int, default=config["addon.threads"],
                       help="waitress worker threads (ADDON_THREADS; default %(default)s)")
    serve.add_argument("--host", default=config["addon.host"],
                       help="address to listen on (ADDON_HOST; default %(default)s)")
    serve.add_argument("--base-url", default=config["addon.base_url"],
                       help="the public https URL Jira calls (ADDON_BASE_URL)")
    demo.add_argument("--issues", type=int, default=5000,
                      help="issues in the fake Jira (default %(default)s)")
    demo.add_argument("--latency-ms", type=int, default=100,
                      help="the fake Jira's delay per request (default %(default)s)")
    demo.add_argument("--host", choices=("connect", "forge"), default="connect",
                      help="which Jira host the page stands in for (default %(default)s)")
    sub.add_parser("init-db", help=cmd_init_db.__doc__)
    tenants = sub.add_parser("tenants", help=cmd_tenants.__doc__)
    tenants.add_argument("--uninstalled-before", type=int, metavar="DAYS",
                         help="only sites uninstalled more than DAYS days ago")
    tenants.add_argument("--purge", action="store_true",
                         help="remove those sites (with --uninstalled-before and --yes)")
    sub.add_parser("backup", help=cmd_backup.__doc__).add_argument(
        "dest", help="the new file to write (must not exist)")
    restore = sub.add_parser("restore", help=cmd_restore.__doc__)
    source = restore.add_mutually_exclusive_group(required=True)
    source.add_argument("src", nargs="?", help="the backup file to restore")
    source.add_argument("--from-replica", metavar="DIR_OR_URL",
                        help="restore from a Litestream replica (folder or URL)")
    export = sub.add_parser("export", help=cmd_export.__doc__)
    export.add_argument("--out", help="file to write (default: standard output)")
    imports = sub.add_parser("import", help=cmd_import.__doc__)
    imports.add_argument("file", help="an export document")
    purge = sub.add_parser("purge", help=cmd_purge.__doc__)
    for p in (tenants, purge):
        p.add_argument("--backups", metavar="DIR", help="also purge the copies there")
        p.add_argument("--replica", metavar="DIR",
                       help="also empty this Litestream folder replica (stop it first)")
        p.add_argument("--yes", action="store_true", help="really delete")
    for p in (export, imports, purge):
        p.add_argument("--client-key", required=True,
                       help="the site's client key (see `tenants`)")
    return parser


def main(argv=None, environ=None):
    """Run one CLI command; returns the exit status."""
    config = load_config(os.environ if environ is None else environ)
    args = build_parser(config).parse_args(argv)
    for key in ("db", "port", "threads", "host", "base_url"):
        if getattr(args, key, None) is not None:
            config["addon." + key] = getattr(args, key)
    try:
        return COMMANDS[args.command](config, args)
    except (CliError, RuntimeError, sqlite3.Error, OSError) as err:
        return fail(str(err))
