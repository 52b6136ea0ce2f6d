"""The offline guard is really in force for processes the tests start (nbval's kernels among them)."""

from __future__ import annotations

import os
import subprocess
import sys


def run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=60)


def test_outside_network_is_refused_in_child_processes():
    result = run("import urllib.request\nurllib.request.urlopen('http://example.org', timeout=5)")
    assert result.returncode != 0
    assert "network disabled by the course's offline test" in result.stderr


def test_loopback_still_works_for_kernels():
    code = ("import socket\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)\n"
            "c = socket.socket(); c.connect(s.getsockname()); print('ok')")
    result = run(code)
    assert result.stdout.strip() == "ok", result.stderr


def test_kernels_started_by_nbval_inherit_the_guard():
    assert os.environ["PYTHONPATH"].split(os.pathsep)[0].endswith("offline")
