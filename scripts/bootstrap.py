"""Odoo 18.0 for scripts/dev.py: the Python that runs it, or a project virtualenv.

When the Python running dev.py imports Odoo 18.0, it is used as it is.  Otherwise
`ensure_python()` makes the project virtualenv `.venv` (git-ignored) and re-runs the
command with `.venv/bin/python`:

1. the Odoo 18.0 source comes from ODOO_SOURCE: a local directory, a tarball (path
   or http(s)/file URL) or a git URL (`git+https://…`, `….git`, `git@…`; `#ref`
   picks a branch or tag, 18.0 by default); default: the official source archive;
2. `python -m venv .venv`, then requirements.txt, requirements-dev.txt and Odoo's
   own requirements.txt, built once as wheels into the cache, installed from there
   with the build constraints Odoo 18.0 needs (`setuptools<81`, also for isolated
   builds through PIP_CONSTRAINT);
3. Odoo itself (`pip install <source>`); the addons of a source tree with a
   top-level `addons/` folder (a git checkout) are copied into `odoo/addons`;
4. a marker file written last says the virtualenv is complete.

Downloads, clones, extracted sources and wheels are cached in `.local/cache`
(HUATAI_CACHE_DIR moves it), so a second bootstrap runs offline.  A failure says what
to do in one line and removes the half-made virtualenv.  Standard library only.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCAL = Path(os.environ.get("HUATAI_LOCAL_DIR") or ROOT / ".local").resolve()
CACHE = Path(os.environ.get("HUATAI_CACHE_DIR") or LOCAL / "cache").resolve()
LOG = LOCAL / "log" / "bootstrap.log"

DEFAULT_SOURCE = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
DEFAULT_GIT_REF = "18.0"
ODOO_SERIES = (18, 0)
# Odoo 18.0's setup.py and some of its pinned dependencies import pkg_resources
BUILD_CONSTRAINTS = ["setuptools<81"]
BUILD_TOOLS = ["setuptools<81", "wheel"]
REQUIREMENT_FILES = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
MARKER = "huatai-bootstrap.json"
# set in the environment of the re-executed command: never bootstrap twice
REEXEC_FLAG = "HUATAI_BOOTSTRAPPED"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


class BootstrapError(Exception):
    """A problem explained in one line (dev.py prints it and exits 1)."""


def say(msg):
    print(f"dev.py: {msg}", flush=True)


# ---------------------------------------------------------------------------
# which Python
# ---------------------------------------------------------------------------


def odoo_series(python=None):
    """(major, minor) of the Odoo that `python` imports (None: it cannot)."""
    if python is None:
        try:
            from odoo import release
        except ImportError:
            return None
        return tuple(release.version_info[:2])
    res = subprocess.run(
        [
            str(python),
            "-c",
            "from odoo import release; print(*release.version_info[:2])",
        ],
        capture_output=True,
        text=True,
    )
    if res.returncode:
        return None
    return tuple(int(x) for x in res.stdout.split())


def venv_python(venv):
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_python(argv, script):
    """Return when this Python imports Odoo 18.0; otherwise bootstrap `.venv` if it
    is not complete yet, then replace this process by `.venv/bin/python script argv`.
    """
    if odoo_series() == ODOO_SERIES:
        return
    if os.environ.get(REEXEC_FLAG):
        raise BootstrapError(
            f"{sys.executable} (the project virtualenv) does not import Odoo 18.0: "
            f"delete {VENV.name}/ and run the command again to rebuild it"
        )
    boot = Bootstrap()
    with boot.lock():
        if not boot.is_complete():
            why = (
                "cannot import Odoo 18.0"
                if odoo_series() is None
                else "imports another Odoo"
            )
            say(
                f"{sys.executable} {why}: setting up the project virtualenv "
                f"{VENV.name}/"
            )
            boot.run()
        else:
            boot.update_requirements()
    python = venv_python(boot.venv)
    env = dict(os.environ, **{REEXEC_FLAG: "1"})
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(python, [str(python), str(script), *argv], env)


# ---------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------


def _include_has(header):
    dirs = [Path(sysconfig.get_paths()["include"]), Path("/usr/include")]
    dirs += list(Path("/usr/include").glob("*-linux-gnu*"))
    return any((d / header).exists() for d in dirs)


def _has_ensurepip():
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


# (Debian package, probe): what building Odoo 18.0's requirements needs
BUILD_PROBES = [
    ("python3-venv", _has_ensurepip),
    ("build-essential", lambda: bool(shutil.which("gcc") or shutil.which("cc"))),
    ("python3-dev", lambda: _include_has("Python.h")),
    ("libpq-dev", lambda: bool(shutil.which("pg_config"))),
    ("libldap2-dev", lambda: _include_has("ldap.h")),
    ("libsasl2-dev", lambda: _include_has("sasl/sasl.h")),
]


def missing_packages(probes):
    return [pkg for pkg, probe in probes if not probe()]


def apt_command(packages):
    return "apt-get install -y --no-install-recommends " + " ".join(packages)


def ensure_packages(packages, why, root=None, runner=subprocess.run):
    """Install the Debian `packages` when root on Debian; else fail naming them."""
    if not packages:
        return
    root = (os.name == "posix" and os.geteuid() == 0) if root is None else root
    apt = shutil.which("apt-get")
    if root and apt and not os.environ.get("HUATAI_NO_APT"):
        say(f"installing Debian packages for {why}: {' '.join(packages)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (
            [apt, "update", "-qq"],
            [apt, "install", "-y", "-qq", "--no-install-recommends", *packages],
        ):
            res = runner(cmd, env=env, capture_output=True, text=True)
            if res.returncode:
                last = (res.stderr or res.stdout or "").strip().splitlines()[-1:]
                raise BootstrapError(
                    f"`{' '.join(cmd[:2])} …` failed ({' '.join(last)}): run "
                    f"`{apt_command(packages)}` yourself"
                )
        return
    sudo = "" if root else "sudo "
    raise BootstrapError(
        f"missing Debian packages for {why}: {' '.join(packages)} -- run: "
        f"{sudo}{apt_command(packages)}"
    )


# ---------------------------------------------------------------------------
# the Odoo source
# ---------------------------------------------------------------------------


def _key(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def is_git_url(spec):
    return spec.startswith(("git+", "git@", "git://", "ssh://")) or spec.split("#")[
        0
    ].endswith(".git")


def is_url(spec):
    return re.match(r"^(https?|ftp|file)://", spec) is not None


def release_series(tree):
    """(major, minor) read from odoo/release.py of a source tree, without importing."""
    text = (tree / "odoo" / "release.py").read_text(encoding="utf-8", errors="replace")
    m = re.search(
        r"^version_info\s*=\s*\(\s*(?:'saas~)?(\d+)'?\s*,\s*(\d+)", text, re.M
    )
    return (int(m.group(1)), int(m.group(2))) if m else None


def find_tree(top):
    """The folder holding odoo/release.py: `top` or its only subfolder (archives)."""
    if (top / "odoo" / "release.py").is_file():
        return top
    subdirs = [p for p in top.iterdir() if p.is_dir()] if top.is_dir() else []
    if len(subdirs) == 1 and (subdirs[0] / "odoo" / "release.py").is_file():
        return subdirs[0]
    return None


class Source:
    """Turns ODOO_SOURCE into a checked Odoo 18.0 source tree, through the cache."""

    def __init__(self, spec=None, cache=CACHE):
        self.spec = spec if spec is not None else os.environ.get("ODOO_SOURCE", "")
        self.spec = self.spec.strip() or DEFAULT_SOURCE
        self.cache = Path(cache)

    def fail(self, what):
        raise BootstrapError(
            f"ODOO_SOURCE={self.spec}: {what} -- set ODOO_SOURCE to an Odoo 18.0 "
            "source: a directory, a tarball (path or URL) or a git URL"
        )

    def tree(self):
        spec = self.spec
        if is_git_url(spec):
            top = self.clone(spec)
        elif is_url(spec):
            top = self.extract(self.download(spec))
        else:
            path = Path(spec).expanduser()
            if path.is_dir():
                top = path.resolve()
            elif path.is_file():
                top = self.extract(path.resolve())
            else:
                self.fail("no such file or directory")
        tree = find_tree(top)
        if tree is None:
            self.fail("not an Odoo source tree (no odoo/release.py)")
        series = release_series(tree)
        if series != ODOO_SERIES:
            found = ".".join(map(str, series)) if series else "an unknown version"
            self.fail(f"this is Odoo {found}, the project needs Odoo 18.0")
        return tree

    # -- tarballs -----------------------------------------------------------------

    def download(self, url):
        name = re.sub(r"[^A-Za-z0-9._-]", "_", url.rstrip("/").rsplit("/", 1)[-1])
        target = self.cache / "downloads" / f"{_key(url)}-{name or 'odoo'}"
        if target.is_file():
            say(f"Odoo source from the cache: {target.name}")
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        say(f"downloading {url}")
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                with open(part, "wb") as fh:
                    shutil.copyfileobj(resp, fh, 1 << 20)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            part.unlink(missing_ok=True)
            reason = getattr(exc, "reason", None) or exc
            self.fail(f"cannot download it ({reason})")
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        part.replace(target)
        return target

    def extract(self, archive):
        st = archive.stat()
        dest = self.cache / "src" / _key(f"{archive}:{st.st_size}:{st.st_mtime_ns}")
        if dest.is_dir():
            return dest
        partial = dest.with_name(dest.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        say(f"unpacking {archive.name}")
        try:
            if zipfile.is_zipfile(archive):
                with zipfile.ZipFile(archive) as zf:
                    zf.extractall(partial)
            else:
                with tarfile.open(archive) as tf:
                    if hasattr(tarfile, "data_filter"):
                        tf.extractall(partial, filter="data")
                    else:  # Python < 3.11.4
                        tf.extractall(partial)
        except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError) as exc:
            shutil.rmtree(partial, ignore_errors=True)
            if archive.is_relative_to(self.cache):
                archive.unlink(missing_ok=True)  # a bad download is not kept
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc
            if isinstance(exc, tarfile.ReadError):
                reason = "not a tar or zip archive"
            self.fail(f"cannot unpack {archive.name} ({reason})")
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        partial.replace(dest)
        return dest

    # -- git ----------------------------------------------------------------------

    def clone(self, spec):
        url, _, ref = spec.partition("#")
        url = url.removeprefix("git+")
        ref = ref or DEFAULT_GIT_REF
        dest = self.cache / "git" / _key(f"{url}#{ref}")
        if (dest / ".git").exists() or (dest / "HEAD").is_file():
            say(f"Odoo source from the cache: git clone of {url} ({ref})")
            return dest
        git = shutil.which("git")
        if not git:
            ensure_packages(["git"], "a git ODOO_SOURCE")
            git = shutil.which("git")
        partial = dest.with_name(dest.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        say(f"cloning {url} ({ref})")
        try:
            res = subprocess.run(
                [git, "clone", "-q", "--depth", "1", "--branch", ref, url, partial],
                capture_output=True,
                text=True,
                env=dict(os.environ, GIT_TERMINAL_PROMPT="0"),
            )
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        if res.returncode:
            shutil.rmtree(partial, ignore_errors=True)
            last = (res.stderr or res.stdout).strip().splitlines()[-1:]
            self.fail(f"git clone failed ({' '.join(last)})")
        partial.replace(dest)
        return dest


# ---------------------------------------------------------------------------
# the virtualenv
# ---------------------------------------------------------------------------


def requirements_digest(files):
    h = hashlib.sha256()
    for f in files:
        if Path(f).is_file():
            h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


class Bootstrap:
    def __init__(
        self,
        venv=VENV,
        cache=CACHE,
        source=None,
        requirement_files=REQUIREMENT_FILES,
        build_tools=BUILD_TOOLS,
        log=LOG,
        python=sys.executable,
        probes=BUILD_PROBES,
    ):
        self.venv = Path(venv)
        self.cache = Path(cache)
        self.source = Source(source, self.cache)
        self.requirement_files = [Path(f) for f in requirement_files]
        self.build_tools = list(build_tools)
        self.log = Path(log)
        self.python = python
        self.probes = probes

    @contextlib.contextmanager
    def lock(self):
        """One bootstrap at a time: a second command waits, then finds it done."""
        self.cache.mkdir(parents=True, exist_ok=True)
        with open(self.cache / "bootstrap.lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say("another command is setting up the virtualenv: waiting for it")
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @property
    def marker(self):
        return self.venv / MARKER

    @property
    def wheels(self):
        return self.cache / "wheels"

    @property
    def constraints(self):
        return self.cache / "constraints.txt"

    def is_complete(self):
        return self.marker.is_file() and venv_python(self.venv).exists()

    def run(self):
        """Build the virtualenv from nothing; on any failure remove what was made."""
        tree = self.source.tree()
        if self.venv.exists():
            say(f"removing the incomplete virtualenv {self.venv}")
            shutil.rmtree(self.venv)
        odoo_reqs = tree / "requirements.txt"
        if odoo_reqs.is_file():
            missing = missing_packages(self.probes)
            ensure_packages(missing, "building Odoo's requirements")
        try:
            self.create_venv()
            reqs = self.requirement_files + ([odoo_reqs] if odoo_reqs.is_file() else [])
            self.pip_install_requirements(reqs)
            self.install_odoo(tree, no_deps=odoo_reqs.is_file())
            self.copy_addons(tree)
            series = odoo_series(venv_python(self.venv))
            if series != ODOO_SERIES:
                raise BootstrapError(
                    f"the new virtualenv does not import Odoo 18.0 (got {series}); "
                    f"see {self.log}"
                )
            self.write_marker(tree)
        except BaseException:
            shutil.rmtree(self.venv, ignore_errors=True)
            say(f"removed the half-made virtualenv {self.venv}")
            raise
        say(f"virtualenv ready: {self.venv} (Odoo 18.0 from {self.source.spec})")

    def write_marker(self, tree):
        info = {
            "odoo_source": self.source.spec,
            "tree": str(tree),
            "requirements": requirements_digest(self.requirement_files),
        }
        self.marker.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")

    def update_requirements(self):
        """requirements.txt changed since the bootstrap: install it again."""
        info = json.loads(self.marker.read_text(encoding="utf-8"))
        digest = requirements_digest(self.requirement_files)
        if info.get("requirements") == digest:
            return
        say("requirements changed: updating the project virtualenv")
        self.pip_install_requirements(self.requirement_files)
        info["requirements"] = digest
        self.marker.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")

    # -- steps --------------------------------------------------------------------

    def run_logged(self, cmd, env=None, what=None):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"\n$ {' '.join(map(str, cmd))}\n")
            log.flush()
            res = subprocess.run(
                [str(c) for c in cmd], stdout=log, stderr=subprocess.STDOUT, env=env
            )
        if res.returncode and what:
            error = self.last_error()
            raise BootstrapError(f"{what} failed: {error} (log: {self.log})")
        return res.returncode

    def last_error(self):
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        errors = [ln.strip() for ln in lines if re.match(r"\s*(ERROR|error):", ln)]
        tail = [ln.strip() for ln in lines if ln.strip()]
        return (errors or tail or ["?"])[-1][:300]

    def create_venv(self):
        say(f"creating {self.venv}")
        res = subprocess.run(
            [self.python, "-m", "venv", self.venv], capture_output=True, text=True
        )
        if res.returncode:
            last = (res.stderr or res.stdout).strip().splitlines()[-1:]
            hint = ""
            if "ensurepip" in res.stdout + res.stderr:
                hint = f" -- run: {apt_command(['python3-venv'])}"
            raise BootstrapError(f"python -m venv failed: {' '.join(last)}{hint}")

    def pip_env(self, offline):
        self.constraints.parent.mkdir(parents=True, exist_ok=True)
        self.constraints.write_text("\n".join(BUILD_CONSTRAINTS) + "\n")
        self.wheels.mkdir(parents=True, exist_ok=True)
        env = dict(
            os.environ,
            # read by pip in the isolated build environments too
            PIP_CONSTRAINT=str(self.constraints),
            PIP_FIND_LINKS=str(self.wheels),
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PIP_NO_INPUT="1",
        )
        env.pop("PIP_REQUIRE_VIRTUALENV", None)
        if offline:
            env["PIP_NO_INDEX"] = "1"
        return env

    def pip(self, *args):
        return [venv_python(self.venv), "-m", "pip", *args]

    def pip_install_requirements(self, files):
        """From the wheel cache if it has everything; else build wheels, then it."""
        args = [a for f in files if f.is_file() for a in ("-r", f)] + self.build_tools
        if not args:
            return
        say(f"installing the Python requirements (log: {self.log})")
        if not self.run_logged(self.pip("install", *args), self.pip_env(offline=True)):
            return
        say("downloading and building the missing Python packages into the cache")
        self.run_logged(
            self.pip("wheel", "-w", self.wheels, *args),
            self.pip_env(offline=False),
            what="downloading/building Python packages",
        )
        self.run_logged(
            self.pip("install", *args),
            self.pip_env(offline=True),
            what="installing Python packages",
        )

    def install_odoo(self, tree, no_deps):
        say(f"installing Odoo 18.0 from {tree}")
        self.run_logged(
            self.pip("install", *(["--no-deps"] if no_deps else []), tree),
            self.pip_env(offline=True),
            what="pip install of the Odoo source",
        )

    def copy_addons(self, tree):
        """A git checkout keeps most addons in a top-level addons/: put them where
        Odoo's default addons path looks (odoo/addons), as the release archives do."""
        extra = tree / "addons"
        if not extra.is_dir():
            return
        res = subprocess.run(
            [
                venv_python(self.venv),
                "-c",
                "import odoo, os; print(os.path.dirname(odoo.__file__))",
            ],
            capture_output=True,
            text=True,
        )
        if res.returncode:
            error = (res.stderr.strip().splitlines() or ["?"])[-1]
            raise BootstrapError(f"odoo is not importable after pip install: {error}")
        target = Path(res.stdout.strip()) / "addons"
        target.mkdir(exist_ok=True)
        count = 0
        for addon in sorted(extra.iterdir()):
            manifest = addon / "__manifest__.py"
            if manifest.is_file() and not (target / addon.name).exists():
                shutil.copytree(addon, target / addon.name)
                count += 1
        say(f"copied {count} addons from {extra} into {target}")
