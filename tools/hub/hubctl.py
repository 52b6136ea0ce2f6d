"""Start and stop the teacher's JupyterHub (installed in .hub/ by tools/hub/install.sh).

`python tools/hub/hubctl.py` is `make hub`: it serves the course from a git repository through the
README's nbgitpuller links, prints the address and a fresh shared password, and runs until Ctrl-C.
`Hub` is also what `make classroom` (tools/hub/classroom.py) starts.

Stopping leaves no process behind: the hub is asked to stop (it stops every student's server, which stop
their kernels, and the proxy); then every process still carrying this run's QIANHAI_HUB_RUN mark in its
environment (the hub passes it to each server, and kernels inherit it) is killed, process group first.
"""

from __future__ import annotations

import fcntl
import getpass
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HUB_DIR = ROOT / ".hub"
VENV = HUB_DIR / "venv"
PROXY = HUB_DIR / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
CONFIG = Path(__file__).resolve().with_name("jupyterhub_config.py")
sys.path.insert(0, str(ROOT / "tools"))
from launch_links import BRANCH, nbgitpuller_link  # noqa: E402  (the README's link format)

# The course folder in each student's home is named after the repository: keep the bare clone's name
# `course`, as the published repository's, so that the link is the README's and the folder is `course/`.
COURSE_NAME = "course"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git(*args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    return result.stdout.strip()


def publish_checkout(bare: Path, source: Path = ROOT) -> str:
    """Make `bare` (created if missing) a git repository whose `main` is the last commit of `source`:
    what the hub serves when no repository address is given. Returns that commit."""
    if not (bare / "HEAD").exists():
        bare.parent.mkdir(parents=True, exist_ok=True)
        git("init", "--quiet", "--bare", f"--initial-branch={BRANCH}", str(bare))
        # A shallow checkout (CI's usual clone) can only publish its commit if the bare repository accepts
        # shallow history.
        git("config", "receive.shallowUpdate", "true", cwd=bare)
    commit = git("rev-parse", "HEAD", cwd=source)
    git("push", "--quiet", "--force", str(bare), f"{commit}:refs/heads/{BRANCH}", cwd=source)
    return commit


def marked_processes(mark: str) -> list[int]:
    """Every process whose environment has QIANHAI_HUB_RUN=<mark> (/proc; ours only if not root)."""
    needle = f"QIANHAI_HUB_RUN={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def process_environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {key.decode(errors="replace"): value.decode(errors="replace") for key, value in pairs}


class Hub:
    """One JupyterHub run: its state, homes and logs live under `workdir`."""

    def __init__(self, workdir: Path, repository: str, ip: str = "127.0.0.1", port: int | None = None,
                 service_token: str | None = None, log_level: str = "INFO", extra_env: dict | None = None):
        self.workdir = workdir
        self.homes = workdir / "homes"
        self.state = workdir / "state"
        self.log_path = workdir / "jupyterhub.log"
        self.repository = repository
        self.ip = ip
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(9)  # 12 characters; SharedPasswordAuthenticator wants >= 8
        self.admin_password = secrets.token_urlsafe(24)  # 32 characters, the minimum for the admin's
        self.service_token = service_token
        self.log_level = log_level
        self.extra_env = extra_env or {}
        self.mark = secrets.token_hex(8)
        self.api_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Where this machine reaches the hub (the proxy's public side)."""
        host = "127.0.0.1" if self.ip in ("0.0.0.0", "", "127.0.0.1") else self.ip
        return f"http://{host}:{self.port}"

    def link(self, lesson_file: str, hub: str | None = None) -> str:
        return nbgitpuller_link(hub or self.url, lesson_file, repository=self.repository)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "QIANHAI_HUB_VENV": str(VENV), "QIANHAI_HUB_PROXY": str(PROXY),
            "QIANHAI_HUB_STATE": str(self.state), "QIANHAI_HUB_HOMES": str(self.homes),
            "QIANHAI_HUB_IP": self.ip, "QIANHAI_HUB_PORT": str(self.port),
            "QIANHAI_HUB_API_PORT": str(self.api_port), "QIANHAI_HUB_PROXY_API_PORT": str(free_port()),
            "QIANHAI_HUB_PASSWORD": self.password, "QIANHAI_HUB_ADMIN_PASSWORD": self.admin_password,
            "QIANHAI_HUB_DEFAULT_URL": "/hub/user-redirect/" + self.link("00_start_here.ipynb").split(
                "/hub/user-redirect/", 1)[1],
            "QIANHAI_HUB_LOG_LEVEL": self.log_level, "QIANHAI_HUB_RUN": self.mark,
            "PATH": os.pathsep.join([str(VENV / "bin"), env.get("PATH", "")]),
        })
        if self.service_token:
            env["QIANHAI_HUB_SERVICE_TOKEN"] = self.service_token
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 120, log_to_terminal: bool = False) -> None:
        for path in (self.homes, self.state):
            path.mkdir(parents=True, exist_ok=True)
        log = None if log_to_terminal else self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(VENV / "bin" / "jupyterhub"), "-f", str(CONFIG)], cwd=self.state, env=self.env(),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT if log else None,
            start_new_session=True,  # Ctrl-C reaches only this script, which then stops the hub in order
        )
        if log:
            log.close()
        deadline = time.monotonic() + timeout
        # The hub's own port first, then through the proxy (asking the proxy before the hub has given it
        # its routes would only fill the log with 404s).
        for url in (f"http://127.0.0.1:{self.api_port}/hub/health", f"{self.url}/hub/health"):
            if not self._answers(url, deadline):
                raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def _answers(self, url: str, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        return False

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace: float = 30) -> list[int]:
        """Stop the hub and everything it started; returns the pids that had to be killed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # JupyterHub's orderly shutdown
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        killed = []
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = marked_processes(self.mark)
            if self.process is not None and self.process.poll() is None:
                pids.append(self.process.pid)
            for pid in pids:
                try:
                    os.killpg(pid, sig) if os.getpgid(pid) == pid else os.kill(pid, sig)
                    killed.append(pid)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 5
            while marked_processes(self.mark) and time.monotonic() < deadline:
                time.sleep(0.1)
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        return sorted(set(killed))


def main() -> int:
    """`make hub`: HUB_IP (default 127.0.0.1), HUB_PORT (default 8000), COURSE_REPO (default: this
    checkout's last commit, served from the bare clone .hub/course-repo/course)."""
    ip = os.environ.get("HUB_IP") or "127.0.0.1"
    port_text = os.environ.get("HUB_PORT") or "8000"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        print(f"hub: HUB_PORT must be a port number from 1 to 65535, not {port_text!r}", file=sys.stderr)
        return 2
    port = int(port_text)
    workdir = Path(os.environ.get("QIANHAI_HUB_WORKDIR") or HUB_DIR / "run")  # another folder: tests only
    workdir.mkdir(parents=True, exist_ok=True)
    lock = (workdir / "hub.lock").open("w")  # held while this hub runs; the system frees it when it exits
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("hub: a hub from this folder is already running (it shares its database and students' homes); "
              "stop it first with Ctrl-C where it runs", file=sys.stderr)
        return 1
    repository = os.environ.get("COURSE_REPO") or ""
    if not repository:
        bare = HUB_DIR / "course-repo" / COURSE_NAME
        commit = publish_checkout(bare)
        repository = str(bare)
        print(f"hub: serving this checkout's last commit ({commit[:10]}) from the git repository {bare}")
        print("hub: (uncommitted changes are not served; commit, then stop and start the hub again)")
    hub = Hub(workdir, repository, ip=ip, port=port,
              service_token=os.environ.get("QIANHAI_HUB_SERVICE_TOKEN"))  # tests drive the hub's API with it
    stop = lambda *_: (_ for _ in ()).throw(KeyboardInterrupt)  # noqa: E731 - SIGTERM stops like Ctrl-C
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with Ctrl-C ignored
    try:
        try:
            hub.start(log_to_terminal=True)
        except RuntimeError:
            print(f"hub: JupyterHub did not start (its messages are above). If port {port} is taken, choose "
                  "another with HUB_PORT=...", file=sys.stderr)
            return 1
        shown = hub.url if ip in ("127.0.0.1", "localhost") else f"http://<this machine's address>:{port}"
        print("\n" + "=" * 78)
        print(f"JupyterHub is running at {shown}")
        print(f"  students: any user name, shared password  {hub.password}")
        print(f"  teacher:  user name 'teacher', password     {hub.admin_password}  (admin panel)")
        print("  Logging in opens notebook 00 through nbgitpuller. The link for notebook 01:")
        print(f"  {hub.link('01_shenzhen_sez.ipynb', hub=shown)}")
        if ip not in ("127.0.0.1", "localhost"):
            account = getpass.getuser()
            print(f"  Listening on {ip}: every student's server runs under YOUR account ({account});")
            print("  use this only on a network you trust, for a workshop (notebooks/instructor/README.md).")
        print("Stop with Ctrl-C (stops every student's server and kernel).")
        print("=" * 78 + "\n", flush=True)
        hub.process.wait()
        print(f"hub: JupyterHub exited with status {hub.process.returncode}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nhub: stopping...", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
        hub.stop()
        left = marked_processes(hub.mark)
        print("hub: stopped, no process left." if not left else f"hub: processes still running: {left}")


if __name__ == "__main__":
    sys.exit(main())
