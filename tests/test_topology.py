"""`dev.py topology` (scripts/topology.py): the configuration it gives the primary,
the standby and Odoo.  Plain pytest tests, no database: the topology itself is run
by hand (`python3 scripts/dev.py topology --load 60`, figures in bench/README.md)."""

import argparse
import configparser
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import topology  # noqa: E402


@pytest.fixture
def clusters(tmp_path, monkeypatch):
    monkeypatch.setattr(topology, "BASE", tmp_path)
    primary = topology.Cluster("primary", 5432)
    standby = topology.Cluster("standby", 5433)
    primary.base, standby.base = tmp_path / "primary", tmp_path / "standby"
    return primary, standby


def read_conf(path):
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(path)
    return cp["options"]


def test_odoo_reads_from_the_standby_and_writes_to_the_primary(clusters):
    primary, standby = clusters
    opts = read_conf(topology.write_conf(primary, standby, 8169, 3))
    assert opts["db_host"] == str(primary.run_dir) and opts["db_port"] == "5432"
    assert opts["db_replica_host"] == str(standby.run_dir)
    assert opts["db_replica_port"] == "5433"
    assert opts["workers"] == "3" and opts["max_cron_threads"] == "0"
    assert opts["http_port"] == "8169" and opts["gevent_port"] == "8172"
    assert opts["dbfilter"] == f"^{topology.DB}$" and opts["list_db"] == "False"
    # without a standby, nothing points at one
    opts = read_conf(topology.write_conf(primary, None, 8169, 3))
    assert "db_replica_host" not in opts


def test_the_clusters_are_made_for_streaming_replication(clusters):
    primary, standby = clusters
    for cluster in clusters:
        settings = cluster.settings()
        for line in (
            "wal_level = replica",
            "hot_standby = on",
            "full_page_writes = on",
        ):
            assert line in settings
        assert f"unix_socket_directories = '{cluster.run_dir}'" in settings
        assert "listen_addresses = ''" in settings
    assert primary.run_dir != standby.run_dir and primary.port != standby.port


def test_the_command_line():
    parser = argparse.ArgumentParser()
    topology.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["topology", "--load", "30", "--standby-down"])
    assert (args.load, args.standby_down, args.no_standby) == (30, True, False)
    assert args.workers >= 2 and args.port == 8169
