"""scripts/bootstrap.py: Odoo 18.0 from ODOO_SOURCE into a project virtualenv.

Plain pytest tests, no database: a small fake Odoo 18.0 source (an `odoo` package
with a release.py, a top-level `addons/` folder like a git checkout, and an in-tree
build backend so that pip builds it offline) is made in a temporary folder and given
as a directory, a tarball, a file:// and an http:// URL and a git URL.  Nothing here
touches the network or the project's own .venv and cache.
"""

import functools
import http.server
import io
import json
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest

from scripts import bootstrap
from scripts.bootstrap import Bootstrap, BootstrapError, Source

# a PEP 517 backend in 30 lines: a wheel of the odoo/ package, with no build
# requirement, so that `pip install --no-index <source>` works offline
BACKEND = """
import base64, hashlib, os, zipfile

NAME, VERSION = "odoo", "18.0"
DIST = f"{NAME}-{VERSION}.dist-info"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if os.environ.get("FAKE_ODOO_BUILD_FAILS"):
        raise RuntimeError("fake odoo build failure")
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    files = {}
    for dirpath, _, filenames in os.walk("odoo"):
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            with open(path, "rb") as fh:
                files[path.replace(os.sep, "/")] = fh.read()
    files[f"{DIST}/METADATA"] = (
        f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n".encode()
    )
    files[f"{DIST}/WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: fake\\nRoot-Is-Purelib: true\\n"
        b"Tag: py3-none-any\\n"
    )
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(data)}")
    record.append(f"{DIST}/RECORD,,")
    files[f"{DIST}/RECORD"] = ("\\n".join(record) + "\\n").encode()
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return name
"""


def make_fake_odoo(base, version=(18, 0), requirements=None):
    """A source tree shaped like a checkout of odoo/odoo, small enough for a test."""
    tree = base / "odoo-src"
    (tree / "odoo" / "addons" / "base").mkdir(parents=True)
    (tree / "odoo" / "__init__.py").write_text("from . import release\n")
    (tree / "odoo" / "addons" / "__init__.py").write_text("")
    (tree / "odoo" / "addons" / "base" / "__manifest__.py").write_text("{}\n")
    major, minor = version
    (tree / "odoo" / "release.py").write_text(
        f"version_info = ({major}, {minor}, 0, 'final', 0, '')\n"
        f"version = '{major}.{minor}'\n"
    )
    (tree / "addons" / "fake_mail").mkdir(parents=True)
    (tree / "addons" / "fake_mail" / "__manifest__.py").write_text("{}\n")
    (tree / "addons" / "README").write_text("not an addon\n")
    (tree / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "fake_backend"\n'
        'backend-path = ["."]\n'
    )
    (tree / "fake_backend.py").write_text(BACKEND)
    if requirements is not None:
        (tree / "requirements.txt").write_text(requirements)
    return tree


def make_tarball(tree, path):
    with tarfile.open(path, "w:gz") as tf:
        tf.add(tree, arcname="odoo-18.0.post20250101")
    return path


def no_packages_missing():
    return []


@pytest.fixture
def fake(tmp_path):
    tree = make_fake_odoo(tmp_path / "build")
    return {
        "tree": tree,
        "cache": tmp_path / "cache",
        "venv": tmp_path / "venv",
        "log": tmp_path / "bootstrap.log",
        "tmp": tmp_path,
    }


def new_bootstrap(fake, source, **kwargs):
    return Bootstrap(
        venv=fake["venv"],
        cache=fake["cache"],
        source=str(source),
        requirement_files=[],
        build_tools=[],
        log=fake["log"],
        probes=[],
        **kwargs,
    )


@pytest.fixture
def http_dir(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# -- where the source comes from ------------------------------------------------


def test_default_source_is_the_official_odoo_18_archive(monkeypatch, tmp_path):
    monkeypatch.delenv("ODOO_SOURCE", raising=False)
    src = Source(cache=tmp_path)
    assert (
        src.spec == "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
    )
    monkeypatch.setenv("ODOO_SOURCE", "/somewhere/odoo")
    assert Source(cache=tmp_path).spec == "/somewhere/odoo"


def test_a_directory_is_used_in_place(fake):
    assert Source(str(fake["tree"]), fake["cache"]).tree() == fake["tree"]
    assert not fake["cache"].exists()


def test_a_tarball_is_unpacked_once_into_the_cache(fake):
    tarball = make_tarball(fake["tree"], fake["tmp"] / "odoo.tar.gz")
    tree = Source(str(tarball), fake["cache"]).tree()
    assert (tree / "odoo" / "release.py").is_file()
    assert tree.is_relative_to(fake["cache"])
    # the second time the unpacked tree is reused as it is
    (tree / "marker").write_text("kept")
    assert (Source(str(tarball), fake["cache"]).tree() / "marker").is_file()


def test_a_downloaded_archive_is_cached_so_the_second_run_is_offline(fake, http_dir):
    www, url = http_dir
    make_tarball(fake["tree"], www / "odoo_18.0.latest.tar.gz")
    src_url = f"{url}/odoo_18.0.latest.tar.gz"
    first = Source(src_url, fake["cache"]).tree()
    (www / "odoo_18.0.latest.tar.gz").unlink()  # "offline" now
    second = Source(src_url, fake["cache"]).tree()
    assert first == second
    downloads = list((fake["cache"] / "downloads").iterdir())
    assert len(downloads) == 1 and not downloads[0].name.endswith(".part")


def test_a_file_url_works_like_a_download(fake):
    tarball = make_tarball(fake["tree"], fake["tmp"] / "odoo.tgz")
    tree = Source(tarball.as_uri(), fake["cache"]).tree()
    assert (tree / "odoo" / "release.py").is_file()


def test_a_git_url_is_cloned_once_on_branch_18(fake):
    repo = fake["tmp"] / "odoo.git"

    def git(*args, cwd=fake["tree"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
        )

    if not bootstrap.shutil.which("git"):
        pytest.skip("git is not installed")
    git("init", "-q", "-b", "18.0")
    git("add", "-A")
    git("commit", "-q", "-m", "fake odoo")
    git("clone", "-q", "--bare", str(fake["tree"]), str(repo), cwd=fake["tmp"])
    spec = f"git+{repo.as_uri()}"
    tree = Source(spec, fake["cache"]).tree()
    assert (tree / "odoo" / "release.py").is_file()
    bootstrap.shutil.rmtree(repo)  # offline: the clone in the cache is enough
    assert Source(spec, fake["cache"]).tree() == tree
    with pytest.raises(BootstrapError, match="git clone failed"):
        Source(f"{spec}#17.0-missing", fake["cache"]).tree()
    assert not list((fake["cache"] / "git").glob("*.partial"))


# -- bad sources: one line, nothing left behind ------------------------------------


def one_line(excinfo):
    text = str(excinfo.value)
    assert "\n" not in text
    return text


def test_a_missing_path_says_what_to_set(fake):
    with pytest.raises(BootstrapError) as exc:
        Source(str(fake["tmp"] / "nowhere"), fake["cache"]).tree()
    text = one_line(exc)
    assert "no such file or directory" in text
    assert "set ODOO_SOURCE to an Odoo 18.0 source" in text


def test_an_unreachable_url_leaves_no_partial_download(fake, http_dir):
    www, url = http_dir
    with pytest.raises(BootstrapError) as exc:
        Source(f"{url}/missing.tar.gz", fake["cache"]).tree()
    assert "cannot download it" in one_line(exc)
    with pytest.raises(BootstrapError) as exc:
        # nothing listens on port 9 (discard) of 127.0.0.1 here
        Source("http://127.0.0.1:9/odoo.tar.gz", fake["cache"]).tree()
    assert "cannot download it" in one_line(exc)
    assert not list((fake["cache"] / "downloads").iterdir())


def test_a_corrupt_download_is_not_kept(fake, http_dir):
    www, url = http_dir
    (www / "odoo.tar.gz").write_bytes(b"<html>not an archive</html>")
    with pytest.raises(BootstrapError) as exc:
        Source(f"{url}/odoo.tar.gz", fake["cache"]).tree()
    assert "cannot unpack" in one_line(exc)
    assert not list((fake["cache"] / "downloads").iterdir())
    assert not list((fake["cache"] / "src").iterdir())


def test_a_tree_without_odoo_or_of_another_version_is_refused(fake):
    (fake["tmp"] / "empty").mkdir()
    with pytest.raises(BootstrapError) as exc:
        Source(str(fake["tmp"] / "empty"), fake["cache"]).tree()
    assert "not an Odoo source tree" in one_line(exc)
    old = make_fake_odoo(fake["tmp"] / "v17", version=(17, 0))
    with pytest.raises(BootstrapError) as exc:
        Source(str(old), fake["cache"]).tree()
    assert "this is Odoo 17.0, the project needs Odoo 18.0" in one_line(exc)


# -- Debian packages ---------------------------------------------------------------


def test_missing_debian_packages_are_named_with_the_command(monkeypatch):
    probes = [("libpq-dev", lambda: False), ("gcc-ok", lambda: True)]
    probes.append(("libldap2-dev", lambda: False))
    missing = bootstrap.missing_packages(probes)
    assert missing == ["libpq-dev", "libldap2-dev"]
    with pytest.raises(BootstrapError) as exc:
        bootstrap.ensure_packages(missing, "building Odoo's requirements", root=False)
    assert one_line(exc).endswith(
        "run: sudo apt-get install -y --no-install-recommends libpq-dev libldap2-dev"
    )


def test_as_root_on_debian_the_packages_are_installed(monkeypatch):
    calls = []

    def runner(cmd, **kwargs):
        calls.append(cmd[1:])
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("HUATAI_NO_APT", raising=False)
    bootstrap.ensure_packages(["libpq-dev"], "tests", root=True, runner=runner)
    assert calls == [
        ["update", "-qq"],
        ["install", "-y", "-qq", "--no-install-recommends", "libpq-dev"],
    ]


# -- the virtualenv ------------------------------------------------------------------


def venv_run(fake, code):
    python = bootstrap.venv_python(fake["venv"])
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_bootstrap_makes_a_virtualenv_that_imports_odoo_18_with_its_addons(fake):
    tarball = make_tarball(fake["tree"], fake["tmp"] / "odoo.tar.gz")
    boot = new_bootstrap(fake, tarball)
    assert not boot.is_complete()
    boot.run()
    assert boot.is_complete()
    assert venv_run(fake, "import odoo.release as r; print(r.version)") == "18.0"
    addons = venv_run(
        fake, "import odoo, os; print(sorted(os.listdir(odoo.__path__[0] + '/addons')))"
    )
    # the top-level addons/ folder of a checkout lands beside base
    assert "'fake_mail'" in addons and "'base'" in addons and "README" not in addons
    info = json.loads(boot.marker.read_text())
    assert info["odoo_source"] == str(tarball)
    # pip built its wheels with the setuptools constraint Odoo 18.0 needs
    assert "setuptools<81" in (fake["cache"] / "constraints.txt").read_text()
    assert "PIP_CONSTRAINT" in boot.pip_env(offline=True)


def test_a_failed_install_removes_the_half_made_virtualenv(fake, monkeypatch):
    monkeypatch.setenv("FAKE_ODOO_BUILD_FAILS", "1")
    boot = new_bootstrap(fake, fake["tree"])
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    with pytest.raises(BootstrapError) as exc:
        boot.run()
    assert "pip install of the Odoo source failed" in one_line(exc)
    assert str(fake["log"]) in str(exc.value)
    assert not fake["venv"].exists()
    assert "removed the half-made virtualenv" in out.getvalue()


def test_an_incomplete_virtualenv_is_rebuilt(fake):
    fake["venv"].mkdir()
    (fake["venv"] / "leftover").write_text("from an interrupted run")
    boot = new_bootstrap(fake, fake["tree"])
    assert not boot.is_complete()
    boot.run()
    assert boot.is_complete() and not (fake["venv"] / "leftover").exists()


def test_a_second_bootstrap_waits_for_the_first(fake):
    boot = new_bootstrap(fake, fake["tree"])
    with boot.lock():
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import fcntl, sys; fh = open(sys.argv[1], 'w'); "
                "fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)",
                str(fake["cache"] / "bootstrap.lock"),
            ],
            capture_output=True,
        )
        assert other.returncode != 0  # held
    with boot.lock():  # released, and can be taken again
        pass


def test_the_re_executed_command_never_bootstraps_again(monkeypatch):
    monkeypatch.setattr(bootstrap, "odoo_series", lambda python=None: None)
    monkeypatch.setenv(bootstrap.REEXEC_FLAG, "1")
    with pytest.raises(BootstrapError, match="does not import Odoo 18.0"):
        bootstrap.ensure_python(["test"], Path("dev.py"))


def test_a_python_that_imports_odoo_18_is_used_as_it_is(monkeypatch):
    monkeypatch.setattr(bootstrap, "odoo_series", lambda python=None: (18, 0))
    monkeypatch.setattr(bootstrap.os, "execve", pytest.fail)
    assert bootstrap.ensure_python(["test"], Path("dev.py")) is None
