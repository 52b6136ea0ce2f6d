"""The README's commands, run for real the way a learner runs them: in a fresh clone of the course.

Shared by the tests of those commands (tests/e2e/test_readme_commands.py, tests/test_learner_environment.py)
and by `make bench` (the learner's environment size and first-time `make lab` time).

A clone is of the committed HEAD (what a learner gets), so commit before running these locally. Commands run
with this machine's environment except: no PYTHONPATH (the tests' offline guard would stop pip reaching the
package index, and a learner has none), no active virtual environment, and Jupyter's and IPython's folders
inside the clone's scratch folder (so a test never reads or writes the real ~/.jupyter). That user's Jupyter
config asks for port 0, a free port the system picks, instead of 8888: servers started in parallel (or a user's
own Jupyter) then never meet on one port. The commands themselves are as the README writes them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil  # a dependency of ipykernel

ROOT = Path(__file__).resolve().parents[1]
# What JupyterLab prints for the user to open: the address with its token.
SERVER_URL = re.compile(r"(https?://(?:127\.0\.0\.1|localhost):(\d+)/\S*?)\?token=([0-9a-f]{16,})")
# A user's JupyterLab settings, in the scratch folder: no news or update checks (they would reach beyond this
# machine), and no autosave (the clone's notebooks stay as committed for the commands run after `make lab`).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def clone(target: Path) -> Path:
    """A throw-away clone of the course's committed HEAD."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True, capture_output=True)
    return target


def learner_env(home: Path) -> dict[str, str]:
    """This machine's environment as a learner's shell has it, Jupyter's folders under ``home``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "QIANHAI_DATA_DIR", "MAKEFLAGS", "MAKELEVEL")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not (Path(p) / "activate").exists())  # no venv's bin first on PATH
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTER_DATA_DIR": "data",
               "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "JUPYTERLAB_SETTINGS_DIR": "settings",
               "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "matplotlib"}
    for name, folder in folders.items():
        (home / "jupyter" / folder).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / "jupyter" / folder)
    (home / "jupyter" / "config" / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"port": 0}}), encoding="utf-8")
    for name, value in LAB_SETTINGS.items():
        target = home / "jupyter" / "settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    env["HOME"] = env.get("HOME", str(home))
    return env


class Server:
    """A command that ends by serving JupyterLab (``make lab``, the README's plain lines), in its own process
    group, its output in a log file. ``stop()`` ends it with every kernel it started, whatever happened."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], log: Path):
        self.argv, self.cwd, self.env, self.log_path = argv, cwd, env, log
        self.process: subprocess.Popen | None = None
        self.seen: dict[int, psutil.Process] = {}
        self.url = self.base = self.token = ""
        self.port = 0

    def start(self) -> "Server":
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_for_url(self, timeout: float) -> str:
        """The URL with token the command prints, once the server answers on it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.remember_processes()
            found = SERVER_URL.search(self.log())
            if found:
                self.url, self.base = found.group(0), found.group(1)
                self.port, self.token = int(found.group(2)), found.group(3)
                self.base = self.base[: self.base.index(f":{self.port}") + len(f":{self.port}")]
                return self.url
            if self.process.poll() is not None:
                raise AssertionError(f"{' '.join(self.argv)} exited ({self.process.returncode}) without serving:\n"
                                     f"{self.tail()}")
            time.sleep(0.5)
        raise AssertionError(f"{' '.join(self.argv)} printed no URL with a token within {timeout:.0f} s:\n{self.tail()}")

    def status(self, path: str, token: str | None) -> int:
        """HTTP status of a GET on the server, with the given token or none."""
        headers = {"Authorization": f"token {token}"} if token else {}
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    def get_json(self, path: str):
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def remember_processes(self) -> None:
        """Note every descendant (the server, its kernels: they run in sessions of their own)."""
        if self.process is not None:
            remember_descendants(self.process.pid, self.seen)

    def listening(self) -> set[tuple[str, int]]:
        """Every (address, port) a process of this command listens on for TCP connections."""
        self.remember_processes()
        found = set()
        for process in self.seen.values():
            try:
                for conn in process.net_connections(kind="inet"):
                    if conn.status == psutil.CONN_LISTEN:
                        found.add((conn.laddr.ip, conn.laddr.port))
            except psutil.Error:
                pass
        return found

    def stop(self) -> None:
        """Ctrl-C as a user would (JupyterLab then stops its kernels), then the group and any straggler."""
        if self.process is None:
            return
        self.remember_processes()
        for sig, wait in ((signal.SIGINT, 3), (signal.SIGINT, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)  # twice SIGINT: JupyterLab's "shut down without asking"
                self.process.wait(timeout=wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for process in self.seen.values():
            try:
                process.kill()  # psutil refuses if the pid now belongs to another process
            except psutil.Error:
                pass
        psutil.wait_procs(list(self.seen.values()), timeout=10)  # until each is gone, not just signalled
        self.process = None

    def alive(self) -> list[int]:
        return [pid for pid, process in self.seen.items() if process.is_running()
                and process.status() != psutil.STATUS_ZOMBIE]


def remember_descendants(pid: int, seen: dict[int, psutil.Process]) -> None:
    """Add every process below ``pid`` to ``seen`` (kept even after they leave the tree, so a stop can kill them)."""
    try:
        for child in psutil.Process(pid).children(recursive=True):
            seen.setdefault(child.pid, child)
    except psutil.Error:
        pass


def tree_bytes(folder: Path) -> int:
    """Size of the files under ``folder`` (symlinks counted as links), in bytes (also used by tests/bench.py)."""
    total = 0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(base, name)).st_size
            except OSError:
                pass
    return total


def first_make_lab(workdir: Path, timeout: float = 900) -> dict[str, float]:
    """A learner's first `make lab` in a fresh clone: seconds from a clean clone (no .venv) until JupyterLab
    answers with the printed token, and the size of the learner's environment it installed."""
    course = clone(workdir / "course")
    server = Server(["make", "lab", "LAB_ARGS=--no-browser"], course, learner_env(workdir), workdir / "make-lab.log")
    started = time.monotonic()
    try:
        server.start().wait_for_url(timeout)
        while server.status("/api/status", server.token) != 200:
            time.sleep(0.2)
        seconds = time.monotonic() - started
    finally:
        server.stop()
    return {"first_make_lab_s": seconds, "learner_venv_mb": tree_bytes(course / ".venv") / 1e6}
