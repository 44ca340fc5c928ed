"""Backup and restore of one Odoo database with its filestore (scripts/dev.py).

    python3 scripts/dev.py backup [DB] [-o FILE]   one archive: database + filestore
    python3 scripts/dev.py restore FILE NEWDB       into a new database

The archive is a tar file:

    manifest.json   database name, Odoo version, modules, counts, date, tool version
    dump.pgdump     `pg_dump --format=custom` of the database (compressed)
    filestore/      the database's filestore (<data_dir>/filestore/<db>), as it is

The database is dumped first, the filestore copied afterwards: every file the dump
refers to is in the archive (filestore files are never modified, only added, and
deleted by Odoo's garbage collection once nothing refers to them any more).

Nothing half-made is left behind: the archive is written as FILE.part and renamed
when complete (a full disk removes it); a restore refuses an existing database name,
and drops the database and removes the filestore it was making when a step fails.
"""

import errno
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

FORMAT = "huatai-backup/1"


class BackupError(Exception):
    """A problem explained in one line."""


def say(msg):
    print(f"dev.py: {msg}", flush=True)


def pg_tool(name, bindir=None):
    """pg_dump / pg_restore: beside the server of the throwaway cluster, else the
    newest installed one (it must not be older than the server)."""
    candidates = [Path(bindir) / name] if bindir else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.parent.name)],
        reverse=True,
    )
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    for cand in candidates:
        if os.access(cand, os.X_OK):
            return str(cand)
    raise BackupError(
        f"{name} not found: install the PostgreSQL client (Debian: apt-get install "
        "postgresql-client)"
    )


def pg_env(params):
    env = dict(os.environ)
    for key, var in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
    ):
        if params.get(key):
            env[var] = str(params[key])
        else:
            env.pop(var, None)
    return env


def last_line(text):
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[-1] if lines else "?"


def db_summary(connect, db):
    """What the manifest records, and what a restore is checked against."""
    conn = connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass('ir_module_module')")
            if cr.fetchone()[0] is None:
                raise BackupError(f"database {db} is not an Odoo database")
            cr.execute(
                "SELECT name, latest_version FROM ir_module_module "
                "WHERE state = 'installed' ORDER BY name"
            )
            modules = dict(cr.fetchall())
            counts = {}
            for table in ("huatai_complaint", "ir_attachment", "mail_message"):
                cr.execute("SELECT to_regclass(%s)", (table,))
                if cr.fetchone()[0] is not None:
                    cr.execute(f'SELECT count(*) FROM "{table}"')
                    counts[table] = cr.fetchone()[0]
        return {"modules": modules, "counts": counts}
    finally:
        conn.close()


def _write_check(exc, target):
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        raise BackupError(
            f"no space left on the device of {target.parent}: free some space or "
            "write the backup elsewhere (-o FILE); nothing was kept"
        ) from None


def backup(db, target, connect, params, filestore, bindir=None):
    """Write the archive of `db` (and its `filestore` folder) to `target`."""
    target = Path(target).resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a directory: give a file name (-o FILE)")
    target.parent.mkdir(parents=True, exist_ok=True)
    summary = db_summary(connect, db)
    part = target.with_name(target.name + ".part")
    tmp = Path(tempfile.mkdtemp(prefix="huatai-backup-", dir=target.parent))
    try:
        dump = tmp / "dump.pgdump"
        say(f"dumping database {db}")
        res = subprocess.run(
            [pg_tool("pg_dump", bindir), "--format=custom", "--file", dump, db],
            env=pg_env(params),
            capture_output=True,
            text=True,
        )
        if res.returncode:
            if "No space left" in res.stderr:
                _write_check(OSError(errno.ENOSPC, res.stderr), target)
            raise BackupError(f"pg_dump of {db} failed: {last_line(res.stderr)}")
        files = sorted(p for p in Path(filestore).rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "database": db,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "odoo_base": summary["modules"].get("base"),
            "modules": summary["modules"],
            "counts": summary["counts"],
            "filestore_files": len(files),
        }
        say(f"archiving the dump and {len(files)} filestore files")
        with tarfile.open(part, "w") as tf:
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info.size, info.mtime = len(data), int(time.time())
            with tempfile.TemporaryFile() as fh:
                fh.write(data)
                fh.seek(0)
                tf.addfile(info, fh)
            tf.add(dump, arcname="dump.pgdump")
            for path in files:
                tf.add(path, arcname=f"filestore/{path.relative_to(filestore)}")
        part.replace(target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        _write_check(exc, target)
        raise BackupError(f"writing {target} failed: {exc}") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def read_manifest(tf, archive):
    try:
        member = tf.getmember("manifest.json")
        manifest = json.load(tf.extractfile(member))
        tf.getmember("dump.pgdump")
    except (KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a backup made by dev.py ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')}")
    return manifest


def restore(archive, db, connect, params, filestore_root, bindir=None):
    """Restore `archive` into the new database `db` and its filestore."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", db):
        raise BackupError(f"{db!r} is not a valid database name (letters, digits, _.-)")
    conn = connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
            if cr.fetchone():
                raise BackupError(
                    f"database {db} already exists: restore into a new name, or drop "
                    "it first if it is really to be replaced"
                )
    finally:
        conn.close()
    filestore = Path(filestore_root) / db
    if filestore.exists():
        raise BackupError(
            f"{filestore} already exists (left by a database of that name): remove "
            "it or restore into another name"
        )
    try:
        tf = tarfile.open(archive)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{archive} cannot be read as a backup ({exc})") from None
    created = False
    tmp = Path(tempfile.mkdtemp(prefix="huatai-restore-"))
    partial = filestore.with_name(filestore.name + ".restoring")
    try:
        with tf:
            manifest = read_manifest(tf, archive)
            say(f"restoring {manifest['database']} of {manifest['created']} into {db}")
            if hasattr(tarfile, "data_filter"):
                tf.extractall(tmp, filter="data")
            else:  # Python < 3.11.4
                tf.extractall(tmp)
        conn = connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(
                    f"CREATE DATABASE \"{db}\" ENCODING 'UTF8' TEMPLATE template0"
                )
            created = True
        finally:
            conn.close()
        res = subprocess.run(
            [
                pg_tool("pg_restore", bindir),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                db,
                tmp / "dump.pgdump",
            ],
            env=pg_env(params),
            capture_output=True,
            text=True,
        )
        if res.returncode:
            raise BackupError(f"pg_restore into {db} failed: {last_line(res.stderr)}")
        shutil.rmtree(partial, ignore_errors=True)
        source = tmp / "filestore"
        if source.is_dir():
            shutil.copytree(source, partial)
        else:
            partial.mkdir(parents=True)
        partial.replace(filestore)
        check_restored(connect, db, manifest, filestore)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(filestore, ignore_errors=True)
        if created:
            drop_database(connect, db)
            say(f"dropped the half-restored database {db}")
        if isinstance(exc, OSError):
            _write_check(exc, filestore)
            raise BackupError(f"restoring into {db} failed: {exc}") from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say(
        f"restored into {db}: {manifest['counts']}, {manifest['filestore_files']} files"
    )
    return manifest


def check_restored(connect, db, manifest, filestore):
    """The restored database has the counts the manifest recorded, and every
    attachment stored in the filestore is there with its checksum."""
    counts = db_summary(connect, db)["counts"]
    if counts != manifest["counts"]:
        raise BackupError(f"restored counts {counts} differ from {manifest['counts']}")
    conn = connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL"
            )
            missing = [f for (f,) in cr.fetchall() if not (filestore / f).is_file()]
    finally:
        conn.close()
    if missing:
        raise BackupError(
            f"{len(missing)} attachment files missing from the backup's filestore "
            f"(e.g. {missing[0]})"
        )


def drop_database(connect, db):
    conn = connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (db,),
            )
            cr.execute(f'DROP DATABASE IF EXISTS "{db}"')
    finally:
        conn.close()
