"""The Docker files, checked without a Docker engine: Dockerfile, docker-compose.yml
(the dev, test and prod profiles) and what deploy/ holds (nginx, Odoo and PostgreSQL
configuration).  Plain pytest tests: no database.  `docker compose config` runs too
where Docker Compose is installed."""

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
ODOO_IMAGE = "huatai-odoo:18.0"
DEV = {"db", "init", "demo"}
PROD = {"db-primary", "db-replica", "prod-init", "odoo", "cron", "nginx"}


def dotenv():
    values = {}
    for line in (ROOT / ".env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def enabled(profiles, targeted=()):
    """The services compose runs with these profiles (and the targeted ones)."""
    return {
        name
        for name, svc in SERVICES.items()
        if name in targeted
        or not svc.get("profiles")
        or set(svc["profiles"]) & set(profiles)
    }


def uses_odoo_image(svc):
    return svc.get("image") == ODOO_IMAGE


def prod_conf():
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(ROOT / "deploy" / "odoo" / "odoo.prod.conf")
    return cp["options"]


# -- the image ------------------------------------------------------------------------


def test_the_dockerfile_extends_odoo_18_with_the_requirements_and_the_addons():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM odoo:18\.0$", text, re.M)
    assert re.search(r"^COPY requirements\.txt ", text, re.M)
    install = re.search(r"^RUN pip3 install (.+?)(?<!\\)$", text, re.M | re.S).group(1)
    assert (
        "--break-system-packages" in install
        and "-r /tmp/huatai-requirements.txt" in (install)
    )
    assert re.search(r"^COPY addons /opt/huatai/addons$", text, re.M)
    assert re.search(r"^USER odoo$", text.strip().splitlines()[-1], re.M)
    copied = re.findall(r"^COPY (\S+) ", text, re.M)
    assert all((ROOT / src).exists() for src in copied), copied
    # .dockerignore leaves out everything but what is copied
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    kept = [ln[1:].rstrip("/") for ln in lines if ln.startswith("!")]
    for src in copied:
        assert any(src == k or src.startswith(k + "/") for k in kept), src


def test_every_odoo_service_builds_the_project_image_and_the_others_pin_theirs():
    for name, svc in SERVICES.items():
        if name.startswith("db"):
            assert svc["image"] == "postgres:16", name
        elif name == "nginx":
            assert re.match(r"nginx:\d+\.\d+$", svc["image"])
        else:
            assert uses_odoo_image(svc), name
            assert svc["build"] == {"context": ".", "dockerfile": "Dockerfile"}, name
            assert "pip" not in str(svc.get("entrypoint", "")) + str(svc.get("command"))


# -- profiles: `docker compose up -d` is the demo, --profile prod the production ------


def test_without_a_profile_compose_runs_the_demo_only():
    assert dotenv()["COMPOSE_PROFILES"] == "dev"
    assert enabled(["dev"]) == DEV
    # `docker compose run --rm test` adds the test service to them
    assert enabled(["dev"], targeted=["test"]) == DEV | {"test"}


def test_the_prod_profile_replaces_the_demo_by_the_production_topology():
    # `--profile prod` takes the place of COMPOSE_PROFILES from .env
    assert enabled(["prod"]) == PROD
    assert all(svc.get("profiles") for svc in SERVICES.values())


@pytest.mark.parametrize(
    "profiles, targeted", [(["dev"], []), (["dev"], ["test"]), (["prod"], [])]
)
def test_dependencies_stay_inside_the_profile(profiles, targeted):
    active = enabled(profiles, targeted)
    for name in active:
        deps = SERVICES[name].get("depends_on") or {}
        for dep, cond in deps.items() if isinstance(deps, dict) else []:
            assert dep in active, f"{name} depends on {dep}, not in {profiles}"
            if cond["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dep], f"{dep} has no healthcheck"
            if cond["condition"] == "service_completed_successfully":
                assert SERVICES[dep].get("restart") == "no", dep


# -- the development services ---------------------------------------------------------


def test_the_demo_and_the_tests_use_the_db_service():
    init = "\n".join(SERVICES["init"]["command"])
    assert '-i "$$mods" --load-language=zh_CN' in init
    assert "dropdb" in init  # a failed creation leaves no half-made database
    assert SERVICES["demo"]["ports"] == ["127.0.0.1:8069:8069"]
    assert "--db-filter=^huatai_demo$$" in SERVICES["demo"]["command"]
    test = SERVICES["test"]
    assert test["entrypoint"] == ["python3", "scripts/dev.py", "test"]
    assert test["environment"]["PGHOST"] == "db"
    assert ".:/mnt/huatai:ro" in test["volumes"]
    assert test["environment"]["HUATAI_LOCAL_DIR"].startswith("/tmp/")


def test_volumes_are_declared_and_bind_mounts_exist():
    declared = set(COMPOSE["volumes"])
    for name, svc in SERVICES.items():
        for vol in svc.get("volumes", []):
            source, target = vol.split(":")[:2]
            assert target.startswith("/"), (name, vol)
            if source.startswith("."):
                assert (ROOT / source).exists(), (name, vol)
            else:
                assert source in declared, (name, vol)


def test_long_running_services_behind_others_have_healthchecks():
    # cron has no HTTP port to probe; nothing waits for nginx, the edge
    for name, svc in SERVICES.items():
        if svc.get("restart") == "unless-stopped" and name not in ("cron", "nginx"):
            assert "healthcheck" in svc, name
    odoo_check = " ".join(SERVICES["odoo"]["healthcheck"]["test"])
    assert "/web/health" in odoo_check


# -- production -----------------------------------------------------------------------


def test_prod_odoo_containers_share_the_filestore_and_read_secrets():
    roles = {}
    for name in ("prod-init", "odoo", "cron"):
        svc = SERVICES[name]
        assert svc["entrypoint"] == ["huatai-prod-entrypoint"]
        roles[name] = svc["command"][0]
        assert "prod-filestore:/var/lib/odoo" in svc["volumes"]
        assert set(svc["secrets"]) == {"odoo_admin_password", "db_password"}
        assert svc["configs"][0]["target"] == "/etc/odoo/huatai-prod.conf"
    assert roles == {"prod-init": "init", "odoo": "http", "cron": "cron"}
    # scalable: no fixed container name, no host port
    assert "container_name" not in SERVICES["odoo"]
    assert "ports" not in SERVICES["odoo"]
    entry = (ROOT / "deploy" / "odoo" / "prod-entrypoint.sh").read_text()
    for role in ("http)", "cron)", "init)"):
        assert role in entry
    assert "--no-http --workers=0" in entry
    assert "admin_passwd = $(secret odoo_admin_password)" in entry
    for secret in COMPOSE["secrets"].values():
        path = ROOT / secret["file"]
        assert path.parent.is_dir()
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", str(path)], cwd=ROOT
        ).returncode
        assert ignored == 0, f"{path} must be git-ignored"
    for config in COMPOSE["configs"].values():
        assert (ROOT / config["file"]).is_file()


def test_prod_odoo_configuration_has_the_keys_of_the_topology():
    opts = prod_conf()
    assert opts["proxy_mode"] == "True"
    assert int(opts["workers"]) >= 2
    assert opts["max_cron_threads"] == "0"
    assert int(opts["limit_memory_hard"]) > int(opts["limit_memory_soft"]) > 0
    assert int(opts["limit_time_real"]) > int(opts["limit_time_cpu"]) > 0
    assert opts["list_db"] == "False"
    assert opts["dbfilter"] == "^huatai$"
    assert opts["db_host"] == "db-primary" and opts["db_host"] in SERVICES
    assert opts["db_replica_host"] == "db-replica" and opts["db_replica_host"] in (
        SERVICES
    )
    assert opts["gevent_port"] == "8072"
    assert opts["data_dir"] == "/var/lib/odoo"
    assert "/opt/huatai/addons" in opts["addons_path"].split(",")
    assert "admin_passwd" not in opts and "db_password" not in opts


def test_nginx_terminates_tls_and_sends_the_websocket_to_the_gevent_port():
    text = (ROOT / "deploy" / "nginx" / "odoo.conf").read_text()
    upstreams = dict(re.findall(r"upstream (\w+) \{\s*server ([\w:.-]+);", text))
    assert upstreams == {"odoo": "odoo:8069", "odoochat": "odoo:8072"}
    websocket = re.search(r"location /websocket \{(.*?)\n    \}", text, re.S).group(1)
    assert "proxy_pass http://odoochat;" in websocket
    assert "proxy_set_header Upgrade $http_upgrade;" in websocket
    assert "proxy_set_header Connection $connection_upgrade;" in websocket
    assert re.search(r"listen 443 ssl;", text)
    assert re.search(r"client_max_body_size \d+m;", text)
    # each location replacing headers lists the forwarded ones (proxy_mode)
    for block in re.findall(r"location [^{]+\{(.*?)\n    \}", text, re.S):
        if "proxy_pass" in block:
            assert "X-Forwarded-Proto $scheme" in block
            assert "X-Forwarded-For" in block and "X-Forwarded-Host" in block
    nginx = SERVICES["nginx"]
    assert (
        "./deploy/nginx/odoo.conf:/etc/nginx/conf.d/default.conf:ro"
        in (nginx["volumes"])
    )
    assert set(nginx["ports"]) == {"80:80", "443:443"}


def test_nginx_shows_the_web_form_unavailable_not_missing_while_the_db_is_down():
    """Odoo serves a request without a database when PostgreSQL cannot be
    reached (odoo/http.py: RegistryError, then _serve_nodb), where the
    addon's routes do not exist: the web form answered 404 while PostgreSQL
    restarted (bench/README, faults). nginx turns a 404 of the form's own
    paths, and Odoo unreachable, into a 503 asking to try again."""
    text = (ROOT / "deploy" / "nginx" / "odoo.conf").read_text()
    controllers = (
        ROOT / "addons" / "huatai_complaints" / "controllers" / "web_form.py"
    ).read_text()
    for path in ("/complaints/new", "/complaints/submit"):
        assert f'"{path}"' in controllers
    form = re.search(
        r"location ~ \^/complaints/\(new\|submit\)\$ \{(.*?)\n    \}", text, re.S
    ).group(1)
    assert "proxy_pass http://odoo;" in form
    assert "proxy_intercept_errors on;" in form
    codes = re.search(r"error_page ([\d ]+) =503 @complaints_unavailable;", form)
    assert set(codes.group(1).split()) == {"404", "502", "503", "504"}
    # a refused submission (bad token 400, rate limit 429) passes through
    assert "400" not in codes.group(1) and "429" not in codes.group(1)
    page = re.search(r"location @complaints_unavailable \{(.*?)\n    \}", text, re.S)
    page = page.group(1)
    assert "add_header Retry-After" in page
    assert re.search(r"return 503 '<!DOCTYPE html>.*请稍候.*重新提交", page)


def test_postgres_primary_streams_to_a_hot_standby():
    primary = SERVICES["db-primary"]
    cmd = " ".join(primary["command"])
    assert "wal_level=replica" in cmd and "max_wal_senders=" in cmd
    init = (ROOT / "deploy" / "postgres" / "primary-init.sh").read_text()
    assert "WITH REPLICATION LOGIN" in init
    assert "pg_create_physical_replication_slot('replica1')" in init
    assert "host replication replicator" in init
    replica = (ROOT / "deploy" / "postgres" / "replica-entrypoint.sh").read_text()
    basebackup = re.search(r"gosu postgres pg_basebackup .*?;", replica, re.S).group(0)
    for flag in ("-R", "-S replica1", "-X stream", '-D "$PGDATA"'):
        assert flag in basebackup
    assert "hot_standby=on" in replica
    # a hot standby refuses to start with fewer connections than the primary
    max_conn = re.search(r"max_connections=(\d+)", cmd).group(1)
    env = SERVICES["db-replica"]["environment"]
    assert env["PG_MAX_CONNECTIONS"] == max_conn
    assert env["PRIMARY_HOST"] == "db-primary"


def test_shell_scripts_parse_and_are_executable():
    scripts = sorted((ROOT / "deploy").rglob("*.sh"))
    assert len(scripts) == 4
    for script in scripts:
        subprocess.run(["bash", "-n", str(script)], check=True)
        mode = subprocess.run(
            ["git", "ls-files", "-s", str(script.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split()
        if mode:  # committed: with the executable bit
            assert mode[0] == "100755", script


def test_docker_compose_config_accepts_the_file(tmp_path):
    docker = shutil.which("docker")
    has_compose = (
        docker
        and not subprocess.run(
            [docker, "compose", "version"], capture_output=True
        ).returncode
    )
    legacy = shutil.which("docker-compose")
    if not (has_compose or legacy):
        pytest.skip("Docker Compose is not installed")
    cmd = [docker, "compose"] if has_compose else [legacy]
    for profile in ("dev", "prod"):
        res = subprocess.run(
            [*cmd, "--profile", profile, "config", "--quiet", "--no-interpolate"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert res.returncode == 0, res.stderr
