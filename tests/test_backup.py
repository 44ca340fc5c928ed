"""Backup and restore (`dev.py backup` / `dev.py restore`), end to end.

The commands run as subprocesses against the PostgreSQL server of the test run.
Their own throwaway databases, made through the commands themselves:
  1. the test database (modules installed, committed) is backed up and restored as
     huatai_bk_src_<pid>;
  2. complaints with evidence files and chatter messages with attachments are
     committed into it through an Odoo registry of that database;
  3. it is backed up and restored as huatai_bk_copy_<pid>, which must hold every
     record and every file (counts, contents, checksums) of the original.
Both databases and their filestores are dropped at the end.
"""

import errno
import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from unittest.mock import patch

import psycopg2
import pytest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

from scripts import backup

ROOT = Path(__file__).resolve().parent.parent
PID = os.getpid()
SRC = f"huatai_bk_src_{PID}"
COPY = f"huatai_bk_copy_{PID}"
BROKEN = f"huatai_bk_broken_{PID}"


def dev(*args, check=True):
    res = subprocess.run(
        [sys.executable, "scripts/dev.py", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


def connect(db):
    _, info = odoo.sql_db.connection_info_for(db)
    return psycopg2.connect(**info)


def server_params():
    return {
        key: config[f"db_{key}"] or None for key in ("host", "port", "user", "password")
    }


def query(db, sql, params=()):
    conn = connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        conn.close()


def filestore(db):
    return Path(config.filestore(db))


def cleanup(*dbs):
    for db in dbs:
        if db in Registry.registries:
            Registry.delete(db)
        odoo.sql_db.close_db(db)
        backup.drop_database(connect, db)
        backup.shutil.rmtree(filestore(db), ignore_errors=True)


def fill(db):
    """Complaints, evidence files and messages with attachments, committed."""
    # loading a registry with test_enable on would run every module's tests
    with patch.dict(config.options, {"test_enable": False}):
        registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        unit = env.ref("huatai_complaints.unit_customer_service_center")
        category = env.ref("huatai_complaints.category_service")
        for i in range(3):
            complaint = env["huatai.complaint"].create(
                {
                    "channel": "email",
                    "category_id": category.id,
                    "complainant_name": f"备份测试 {i}",
                    "description": f"营业部员工态度恶劣 {i}",
                    "accepting_unit_id": unit.id,
                }
            )
            env["ir.attachment"].create(
                {
                    "name": f"通话录音-{i}.mp3",
                    "raw": f"录音 {i} ".encode() * 2000,
                    "res_model": "huatai.complaint",
                    "res_id": complaint.id,
                }
            )
            complaint.message_post(
                body=f"已联系客户 {i}",
                message_type="comment",
                attachments=[(f"回复函-{i}.pdf", b"%PDF-1.4 " + bytes([i]) * 500)],
            )
    Registry.delete(db)
    odoo.sql_db.close_db(db)


def snapshot(db):
    """What must survive a backup and restore, read with SQL."""
    tables = ["huatai_complaint", "ir_attachment", "mail_message", "res_users"]
    counts = {t: query(db, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}
    complaints = query(
        db,
        "SELECT name, complainant_name, description FROM huatai_complaint ORDER BY id",
    )
    messages = query(
        db,
        "SELECT model, res_id, body::text FROM mail_message "
        "WHERE model = 'huatai.complaint' ORDER BY id",
    )
    attachments = query(
        db,
        "SELECT res_model, res_id, name, checksum, store_fname, file_size "
        "FROM ir_attachment WHERE res_model = 'huatai.complaint' ORDER BY id",
    )
    return counts, complaints, messages, attachments


@pytest.fixture(scope="module")
def restored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backup")
    test_db = config["db_name"]
    cleanup(SRC, COPY)
    try:
        dev("backup", test_db, "-o", tmp / "installed.tar")
        dev("restore", tmp / "installed.tar", SRC)
        fill(SRC)
        out = dev("backup", SRC, "-o", tmp / "full.tar").stdout
        assert f"backup of {SRC} written to" in out
        dev("restore", tmp / "full.tar", COPY)
        yield tmp / "full.tar"
    finally:
        cleanup(SRC, COPY)


def test_the_restored_copy_has_every_record_and_file(restored):
    counts, complaints, messages, attachments = snapshot(SRC)
    assert counts["huatai_complaint"] == 3
    assert len(attachments) == 6  # 3 evidence files, 3 message attachments
    assert len(messages) >= 3
    assert snapshot(COPY) == (counts, complaints, messages, attachments)
    for *_, checksum, store_fname, size in attachments:
        data = (filestore(COPY) / store_fname).read_bytes()
        assert len(data) == size
        assert hashlib.sha1(data).hexdigest() == checksum
    # the whole filestore, not only the complaints' files
    src_files = {
        p.relative_to(filestore(SRC)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in filestore(SRC).rglob("*")
        if p.is_file()
    }
    copy_files = {
        p.relative_to(filestore(COPY)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in filestore(COPY).rglob("*")
        if p.is_file()
    }
    assert src_files == copy_files and src_files


def test_the_archive_holds_the_dump_the_filestore_and_a_manifest(restored):
    with tarfile.open(restored) as tf:
        names = tf.getnames()
        manifest = json.load(tf.extractfile("manifest.json"))
    assert "dump.pgdump" in names
    assert manifest["database"] == SRC
    assert manifest["counts"]["huatai_complaint"] == 3
    assert manifest["modules"]["huatai_complaints"]
    assert manifest["filestore_files"] == sum(n.startswith("filestore/") for n in names)


def test_a_restore_into_an_existing_database_is_refused(restored):
    res = dev("restore", restored, SRC, check=False)
    assert res.returncode == 1
    error = res.stderr.strip()
    assert error.count("\n") == 0
    assert f"database {SRC} already exists" in error
    assert snapshot(SRC)[0]["huatai_complaint"] == 3  # untouched


def test_a_failed_restore_leaves_no_database_and_no_filestore(tmp_path):
    archive = tmp_path / "broken.tar"
    manifest = json.dumps({"format": backup.FORMAT, "database": "x", "created": "-"})
    (tmp_path / "manifest.json").write_text(manifest)
    (tmp_path / "dump.pgdump").write_bytes(b"not a pg_dump archive")
    with tarfile.open(archive, "w") as tf:
        tf.add(tmp_path / "manifest.json", "manifest.json")
        tf.add(tmp_path / "dump.pgdump", "dump.pgdump")
    res = dev("restore", archive, BROKEN, check=False)
    assert res.returncode == 1
    assert "pg_restore into" in res.stderr and res.stderr.strip().count("\n") == 0
    assert f"dropped the half-restored database {BROKEN}" in res.stdout
    assert not query(
        "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", (BROKEN,)
    )
    assert not filestore(BROKEN).exists()
    not_a_backup = tmp_path / "x.tar"
    not_a_backup.write_bytes(b"garbage")
    res = dev("restore", not_a_backup, BROKEN, check=False)
    assert "cannot be read as a backup" in res.stderr


def test_a_full_disk_during_backup_says_so_and_keeps_nothing(tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup.tarfile, "open", no_space)
    target = tmp_path / "out.tar"
    with pytest.raises(backup.BackupError) as exc:
        backup.backup(
            config["db_name"],
            target,
            connect,
            server_params(),
            filestore(config["db_name"]),
        )
    assert "no space left on the device" in str(exc.value)
    assert list(tmp_path.iterdir()) == []
