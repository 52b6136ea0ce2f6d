"""A throw-away JupyterLab server and a headless Debian Chromium, for the browser tests.

The server runs on 127.0.0.1 with a random free port and a random token, on a *copy* of the course
(JupyterLab writes to the notebooks it opens), with its own config, runtime, workspace and settings
folders, and no news or update checks. ``LabServer.stop()`` always leaves nothing behind: it asks the
server to shut down (which stops its kernels), then kills the server's process group and any kernel
process still alive (kernels run in their own session, so they need killing one by one).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil  # a dependency of ipykernel
from readme_commands import remember_descendants  # tests/, on pytest's path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("QIANHAI_CHROMIUM", "/usr/bin/chromium"))  # override only to test the skip
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-quic", "--disable-breakpad", "--disable-crash-reporter",
]

# User settings for the isolated JupyterLab: no news, no update check, no extension manager (it queries
# PyPI), no autosave. The notebook windowing mode is JupyterLab's default, "contentVisibility", the setting a
# student's JupyterLab has (cells stay in the page; one off screen is not rendered, so its text reads as empty
# until it is scrolled into view). The end-to-end test and the benchmark both use it.
WINDOWING_SETTINGS = "@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


class PortTaken(RuntimeError):
    """The random port was taken by another process between choosing it and the server binding it."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_course(target: Path) -> Path:
    """Copy notebooks/ (with the course package) and data/ side by side, as in the repository,
    so that ``qianhai.data`` finds ``../data`` from the copy. Returns the notebooks folder."""
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    shutil.copytree(ROOT / "notebooks", target / "notebooks", ignore=ignore)
    shutil.copytree(ROOT / "data", target / "data", ignore=ignore)
    return target / "notebooks"


class LabServer:
    """``jupyter lab`` on 127.0.0.1, a random port and token, serving a copy of the course."""

    def __init__(self, workdir: Path, windowing: str = "contentVisibility"):
        self.workdir = workdir
        self.windowing = windowing
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.process: subprocess.Popen | None = None
        self.kernels: dict[int, psutil.Process] = {}
        self.log_path = workdir / "jupyterlab.log"
        self.notebooks = copy_course(workdir / "course")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        jupyter = self.workdir / "jupyter"
        dirs = {
            "JUPYTER_CONFIG_DIR": jupyter / "config",
            "JUPYTER_RUNTIME_DIR": jupyter / "runtime",
            "JUPYTER_DATA_DIR": jupyter / "data",
            "JUPYTERLAB_WORKSPACES_DIR": jupyter / "workspaces",
            "JUPYTERLAB_SETTINGS_DIR": jupyter / "settings",
            "IPYTHONDIR": jupyter / "ipython",
            "MPLCONFIGDIR": jupyter / "matplotlib",
        }
        for name, path in dirs.items():
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        settings = {**LAB_SETTINGS, WINDOWING_SETTINGS: {"windowingMode": self.windowing}}
        for name, value in settings.items():
            target = dirs["JUPYTERLAB_SETTINGS_DIR"] / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(value), encoding="utf-8")
        env.pop("QIANHAI_DATA_DIR", None)  # the copy's own data/ folder
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.notebooks}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            # A safety net should this process die without cleaning up (SIGKILL): idle kernels are
            # culled after 10 minutes, and the server stops 10 minutes after its last kernel.
            "--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_interval=60",
            "--MappingKernelManager.cull_connected=True", "--ServerApp.shutdown_no_activity_timeout=600",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self, timeout: float = 90, attempts: int = 3) -> None:
        """Start and wait until the server answers; a new random port if the first was taken meanwhile."""
        for attempt in range(1, attempts + 1):
            try:
                return self._start(timeout)
            except PortTaken:
                if attempt == attempts:
                    raise
                self.port = free_port()

    def _start(self, timeout: float) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(), cwd=self.notebooks, env=self.env(), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_tail()
                self.process = None
                if f"port {self.port} is not available" in tail or "already in use" in tail:
                    raise PortTaken(tail)
                raise RuntimeError(f"JupyterLab exited:\n{tail}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def notebook_url(self, name: str, workspace: str) -> str:
        return f"{self.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"

    def remember_kernels(self) -> None:
        """Note the kernel processes (children of the server) so that stop() can kill stragglers."""
        if self.process is not None:
            remember_descendants(self.process.pid, self.kernels)

    def shutdown_kernels(self) -> None:
        """Stop every kernel (one notebook's test is over)."""
        self.remember_kernels()
        try:
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        except (OSError, urllib.error.URLError):
            pass

    def stop(self) -> None:
        if self.process is None:
            return
        self.remember_kernels()
        if self.process.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=5)
                self.process.wait(timeout=15)
            except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
                pass
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        for kernel in self.kernels.values():
            try:
                kernel.kill()  # psutil refuses if the pid now belongs to another process
            except psutil.Error:
                pass
        self.process = None


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
