"""`make classroom STUDENTS=N`: a simulated class on a real JupyterHub, measured.

It starts the hub of `make hub` (tools/hub/hubctl.py) on 127.0.0.1 with a fresh bare clone of this
checkout's last commit as the course repository, creates N students through the hub's REST API, and for
every student at once: starts their server, follows the README's nbgitpuller link for notebook 01 (the
first visit clones the course), opens the notebook through the contents and sessions API, runs its cells
over the kernel websocket as JupyterLab's "Run All" does, and notes when the first chart arrives (an
image/png display_data). Then the test teachers fear: each student edits notebook 01 and adds a file, the
teacher pushes a commit that changes the same line, another cell of the same notebook and adds a file of
the same name, and the students follow the link again.

Every hub, server and kernel process runs with tests/offline/sitecustomize.py, which refuses connections
beyond this machine, and this script talks only to 127.0.0.1. Everything stops at the end, on failure,
on Ctrl-C and at the time limit. Run with .hub/venv/bin/python (tools/hub/install.sh installs it).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hubctl  # noqa: E402
import sizing  # noqa: E402

LESSON = "01_shenzhen_sez.ipynb"
NOTES = "class_notes.md"  # the file both a student and the teacher create (nbgitpuller renames the student's)
STUDENT_LINE = "*My note: the growth figures depend on the vintage.*"
TEACHER_LINE = "*Teacher's note: compare the vintages before you compute any growth rate.*"
TEACHER_CODE_COMMENT = "# Sources of every figure above (added by the teacher after the class started)"


@dataclass
class Student:
    name: str
    token: str = ""
    cookies: dict = field(default_factory=dict)
    created: float = 0.0  # the clock starts when the hub creates the account ("login")
    timings: dict[str, float] = field(default_factory=dict)  # seconds since `created`
    memory_mb: float = 0.0  # peak resident memory of their server plus kernel (sum of VmHWM)
    cpu_s: float = 0.0  # processor time their server and kernel used up to the end of notebook 01
    chart: bool = False
    notebook_ok: bool = False
    edit_kept: bool = False
    update_arrived: bool = False
    renamed_file: str = ""
    error: str = ""


class Classroom:
    """The students' side: every request a browser (or JupyterLab) would send, to 127.0.0.1 only."""

    def __init__(self, hub: hubctl.Hub, service_token: str):
        self.hub = hub
        self.service_token = service_token
        self.http = AsyncHTTPClient(max_clients=200)
        host = urlsplit(hub.url).hostname
        assert host == "127.0.0.1", f"the classroom talks to 127.0.0.1 only, not {host}"

    async def call(self, method: str, path: str, token: str | None = None, body=None, timeout: float = 600,
                   follow: bool = True, raw: bool = False, cookies: dict | None = None, form: str | None = None):
        if cookies is not None:  # a browser's request: cookies instead of a token
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        else:
            headers = {"Authorization": f"token {token or self.service_token}"}
        data = None if body is None else json.dumps(body)
        if form is not None:
            data = form
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if data is None and method in ("POST", "PUT", "PATCH"):
            data = ""
        # No shorter limit than the class's own (a browser waits too): a loaded machine is slow, not broken.
        request = HTTPRequest(self.hub.url + path, method=method, headers=headers, body=data,
                              connect_timeout=timeout, request_timeout=timeout, follow_redirects=follow)
        try:
            response = await self.http.fetch(request, raise_error=follow)
        except HTTPClientError as error:  # name the request: "Timeout during request" alone says nothing
            raise RuntimeError(f"{method} {path.split('?', 1)[0]}: {error}") from error
        if cookies is not None:
            for header in response.headers.get_list("Set-Cookie"):
                key, _, value = header.split(";", 1)[0].partition("=")
                cookies[key.strip()] = value.strip()
        if raw:
            return response
        text = response.body.decode() if response.body else ""
        return json.loads(text) if text else None

    def elapsed(self, student: Student) -> float:
        return time.monotonic() - student.created

    async def attend(self, student: Student, lesson_cells: list) -> None:
        """Login to the end of notebook 01 for one student."""
        name = student.name
        student.created = time.monotonic()
        await self.call("POST", f"/hub/api/users/{name}")
        await self.login(student)
        await self.pull(student, first=True)
        student.timings["course cloned"] = self.elapsed(student)
        await self.run_notebook(student, lesson_cells)
        student.memory_mb, student.cpu_s = usage(self.hub.mark, name)

    async def login(self, student: Student) -> None:
        """The hub's login form with the workshop's shared password, as a browser submits it."""
        from urllib.parse import urlencode

        page = await self.call("GET", "/hub/login", raw=True, cookies=student.cookies)
        xsrf = page.body.decode().split('name="_xsrf" value="', 1)[1].split('"', 1)[0]
        form = urlencode({"username": student.name, "password": self.hub.password, "_xsrf": xsrf})
        reply = await self.call("POST", "/hub/login?next=", raw=True, follow=False, cookies=student.cookies,
                                form=form)
        if reply.code != 302 or "jupyterhub-session-id" not in student.cookies:
            raise RuntimeError(f"the shared password did not log {student.name} in (HTTP {reply.code})")

    async def pull(self, student: Student, first: bool = False) -> None:
        """Follow the nbgitpuller link as a logged-in browser does: the hub sends it to its spawn page
        (which starts the student's server the first time) and on to the student's git-pull page, which
        runs the pull through git-pull/api (an event stream ending "finished")."""
        name = student.name
        link = self.hub.link(LESSON)
        path = link.removeprefix(self.hub.url)
        query = path.split("?", 1)[1]
        expected = f"/user/{name}/git-pull?{query}"
        response = await self.call("GET", path, cookies=student.cookies, follow=False, raw=True)
        spawn = response.headers.get("Location", "")
        if response.code != 302 or parse_qs(urlsplit(spawn).query).get("next") != [expected]:
            raise RuntimeError(f"the nbgitpuller link redirected ({response.code}) to {spawn!r}, "
                               f"not on to {expected!r}")
        await self.call("GET", spawn, cookies=student.cookies, follow=False, raw=True)
        while not (await self.call("GET", f"/hub/api/users/{name}"))["servers"].get("", {}).get("ready"):
            await asyncio.sleep(0.25)  # what the hub's spawn-pending page waits for
        if first:
            student.timings["server ready"] = self.elapsed(student)
            # From here a browser holds a cookie from the server's OAuth login; a token stands for it.
            reply = await self.call("POST", f"/hub/api/users/{name}/tokens", body={"note": "classroom"})
            student.token = reply["token"]
        page = await self.call("GET", expected, token=student.token, raw=True)
        if b"nbgitpuller" not in page.body:
            raise RuntimeError("the git-pull page is not nbgitpuller's")
        stream = await self.call("GET", f"/user/{student.name}/git-pull/api?{query}", token=student.token,
                                 raw=True)
        events = [json.loads(line[5:]) for line in stream.body.decode().splitlines() if line.startswith("data:")]
        phases = [event.get("phase") for event in events]
        if not phases or phases[-1] != "finished":
            detail = next((e for e in events if e.get("phase") == "error"), events[-1:] or "no event")
            raise RuntimeError(f"nbgitpuller did not finish: {detail}")

    async def run_notebook(self, student: Student, cells: list) -> None:
        """Open notebook 01 (contents + sessions API) and run every code cell over the kernel websocket,
        queued at once with stop_on_error like JupyterLab's Run All; note the first image/png output."""
        name, token = student.name, student.token
        path = f"{hubctl.COURSE_NAME}/notebooks/{LESSON}"
        model = await self.call("GET", f"/user/{name}/api/contents/{path}?content=1", token=token)
        code = [cell["source"] for cell in model["content"]["cells"] if cell["cell_type"] == "code"]
        if code != cells:
            raise RuntimeError("the notebook the student opened is not the published notebook 01")
        session = await self.call("POST", f"/user/{name}/api/sessions", token=token, body={
            "path": path, "name": LESSON, "type": "notebook", "kernel": {"name": "python3"}})
        session_id = uuid.uuid4().hex
        ws_url = self.hub.url.replace("http://", "ws://") + \
            f"/user/{name}/api/kernels/{session['kernel']['id']}/channels?session_id={session_id}"
        ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"},
                                                 connect_timeout=600, request_timeout=600))
        try:
            pending = {}
            for source in code:
                msg = message("execute_request", session_id, {
                    "code": source, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True})
                pending[msg["header"]["msg_id"]] = source
                ws.write_message(json.dumps(msg))
            while pending:
                raw = await ws.read_message()
                if raw is None:
                    raise RuntimeError("the kernel websocket closed")
                if isinstance(raw, bytes):
                    continue
                msg = json.loads(raw)
                parent = msg.get("parent_header", {}).get("msg_id")
                kind = msg.get("msg_type") or msg["header"]["msg_type"]
                if kind == "display_data" and "image/png" in msg["content"].get("data", {}) and not student.chart:
                    student.chart = True
                    student.timings["first chart"] = self.elapsed(student)
                elif kind == "execute_reply" and parent in pending:
                    if msg["content"]["status"] != "ok":
                        content = msg["content"]
                        raise RuntimeError(f"a cell failed: {content.get('ename')}: {content.get('evalue')}")
                    del pending[parent]
            student.notebook_ok = True
            student.timings["notebook done"] = self.elapsed(student)
        finally:
            ws.close()

    async def edit(self, student: Student) -> None:
        """The student writes a note into notebook 01's first cell and saves a notes file, as JupyterLab
        saves (contents API)."""
        name, token = student.name, student.token
        path = f"{hubctl.COURSE_NAME}/notebooks/{LESSON}"
        model = await self.call("GET", f"/user/{name}/api/contents/{path}?content=1", token=token)
        notebook = model["content"]
        notebook["cells"][0]["source"] = with_last_line(notebook["cells"][0]["source"], STUDENT_LINE)
        await self.call("PUT", f"/user/{name}/api/contents/{path}", token=token,
                        body={"type": "notebook", "format": "json", "content": notebook})
        await self.call("PUT", f"/user/{name}/api/contents/{hubctl.COURSE_NAME}/notebooks/{NOTES}", token=token,
                        body={"type": "file", "format": "text", "content": f"{student.name}'s notes\n"})

    async def check_update(self, student: Student, teacher_commit: str, home: Path) -> None:
        """Follow the link again, then: the teacher's commit is in the student's clone, the student's line
        is kept where both changed it, the teacher's other change arrived, and the clashing notes file
        was renamed (nbgitpuller's documented behaviour) rather than lost."""
        await self.pull(student)
        name, token = student.name, student.token
        model = await self.call("GET", f"/user/{name}/api/contents/{hubctl.COURSE_NAME}/notebooks/{LESSON}"
                                "?content=1", token=token)
        cells = model["content"]["cells"]
        clone = home / hubctl.COURSE_NAME
        merged = subprocess.run(["git", "merge-base", "--is-ancestor", teacher_commit, "HEAD"], cwd=clone,
                                capture_output=True).returncode == 0
        student.edit_kept = STUDENT_LINE in cells[0]["source"] and TEACHER_LINE not in cells[0]["source"]
        student.update_arrived = merged and cells[-1]["source"].startswith(TEACHER_CODE_COMMENT)
        notes = await self.call("GET", f"/user/{name}/api/contents/{hubctl.COURSE_NAME}/notebooks?content=1",
                                token=token)
        renamed = [item["name"] for item in notes["content"]
                   if item["name"].startswith("class_notes__") and item["name"].endswith(".md")]
        teacher_notes = (clone / "notebooks" / NOTES).read_text(encoding="utf-8")
        if renamed and (clone / "notebooks" / renamed[0]).read_text() == f"{student.name}'s notes\n" \
                and teacher_notes.startswith("# Class notes"):
            student.renamed_file = renamed[0]


def with_last_line(source: str, line: str) -> str:
    """The cell's source with its last line replaced (both the student and the teacher do this)."""
    lines = source.split("\n")
    return "\n".join(lines[:-1] + [line])


def message(kind: str, session: str, content: dict) -> dict:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "", "session": session,
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "buffers": [],
            "channel": "shell"}


def usage(mark: str, user: str | None) -> tuple[float, float]:
    """Peak memory (MB, the sum of each process's VmHWM, its peak resident memory) and CPU time (s) of
    one student's processes in this run (server and kernel); with user=None, the hub and the proxy."""
    memory_kb, ticks = 0, 0
    for pid in hubctl.marked_processes(mark):
        if hubctl.process_environ(pid).get("JUPYTERHUB_USER") != user:
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        memory_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)
        ticks += int(stat[11]) + int(stat[12])  # utime and stime, fields 14 and 15 of /proc/<pid>/stat
    return memory_kb / 1024, ticks / os.sysconf("SC_CLK_TCK")


def teacher_pushes(bare: Path, workdir: Path) -> str:
    """The teacher's new commit: the line the students changed, the last cell of notebook 01, a new file."""
    import nbformat

    clone = workdir / "teacher"
    hubctl.git("clone", "--quiet", str(bare), str(clone))
    path = clone / "notebooks" / LESSON
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source = with_last_line(notebook.cells[0].source, TEACHER_LINE)
    notebook.cells[-1].source = TEACHER_CODE_COMMENT + "\n" + notebook.cells[-1].source
    nbformat.write(notebook, path)
    (clone / "notebooks" / NOTES).write_text("# Class notes\n\nHomework: exercise 2 of notebook 01.\n")
    hubctl.git("add", "-A", cwd=clone)
    hubctl.git("-c", "user.name=Teacher", "-c", "user.email=teacher@127.0.0.1", "commit", "--quiet", "-m",
               "Notes for the class", cwd=clone)
    hubctl.git("push", "--quiet", "origin", f"HEAD:{hubctl.BRANCH}", cwd=clone)
    return hubctl.git("rev-parse", "HEAD", cwd=clone)


async def run_class(room: Classroom, students: list[Student], bare: Path, workdir: Path) -> None:
    import nbformat

    published = hubctl.git("--git-dir", str(bare), "show", f"{hubctl.BRANCH}:notebooks/{LESSON}")
    cells = [c.source for c in nbformat.reads(published, as_version=4).cells if c.cell_type == "code"]

    async def guarded(coro, student):
        try:
            await coro
        except (Exception, asyncio.TimeoutError) as error:  # one student's failure is reported, not fatal
            if not student.error:
                student.error = describe(error)

    await asyncio.gather(*(guarded(room.attend(s, cells), s) for s in students))
    present = [s for s in students if s.notebook_ok]
    await asyncio.gather(*(guarded(room.edit(s), s) for s in present))
    commit = teacher_pushes(bare, workdir)
    await asyncio.gather(*(guarded(room.check_update(s, commit, room.hub.homes / s.name), s) for s in present))


def describe(error: BaseException) -> str:
    if isinstance(error, HTTPClientError) and error.response is not None:
        return f"HTTP {error.code} {error.response.request.method} {urlsplit(error.response.request.url).path}"
    return f"{type(error).__name__}: {error}"[:200]


def report(students: list[Student], hub_mb: float, elapsed: float) -> dict:
    n = len(students)
    rows = ["| student | server ready s | course cloned s | first chart s | notebook 01 done s | peak MB "
            "(server + kernel) | CPU s | edit kept + update arrived | problem |", "|---" * 9 + "|"]
    for s in students:
        t = s.timings
        cell = lambda key: f"{t[key]:.1f}" if key in t else "—"  # noqa: E731
        rows.append(f"| {s.name} | {cell('server ready')} | {cell('course cloned')} | {cell('first chart')} | "
                    f"{cell('notebook done')} | {s.memory_mb:.0f} | {s.cpu_s:.1f} | "
                    f"{'yes' if s.edit_kept and s.update_arrived else 'no'} | {s.error or ''} |")
    print("\n".join(rows))
    charts = sorted(s.timings["first chart"] for s in students if s.chart)
    peak = max((s.memory_mb for s in students if s.notebook_ok), default=0.0)
    cpu = statistics.median([s.cpu_s for s in students if s.notebook_ok] or [0.0])
    edits = sum(s.edit_kept and s.update_arrived and bool(s.renamed_file) for s in students)
    renamed = next((s.renamed_file for s in students if s.renamed_file), "")
    print(f"hub + proxy: {hub_mb:.0f} MB peak; whole run {elapsed:.0f} s; load average at the end "
          f"{os.getloadavg()[0]:.2f}")
    print(f"edit check: {edits}/{n} students kept their own version of the line the teacher also changed, "
          f"received the teacher's other change, and found their clashing {NOTES} renamed "
          f"(e.g. {renamed or '—'}) next to the teacher's")
    median = round(statistics.median(charts), 1) if charts else None
    worst = round(max(charts), 1) if charts else None
    shown = lambda value: "n/a" if value is None else f"{value:.1f}"  # noqa: E731 - nobody saw a chart
    summary = (f"classroom: {len(charts)}/{n} students saw notebook 01's first chart; median {shown(median)} s, "
               f"max {shown(worst)} s; peak memory {peak:.0f} MB per student")
    return {"summary": summary, "students": n, "saw_chart": len(charts), "median_s": median,
            "max_s": worst, "peak_mb_per_student": round(peak), "cpu_s_per_student": round(cpu, 1),
            "hub_proxy_mb": round(hub_mb), "edits_kept": edits,
            "run_s": round(elapsed), "per_student": [asdict(s) | {"token": "", "cookies": {}} for s in students]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("students", help="how many students (make classroom STUDENTS=N)")
    parser.add_argument("--workdir", type=Path, default=hubctl.HUB_DIR / "classroom")
    parser.add_argument("--timeout", type=float, help="seconds for the whole class (default 120 + 20 per student)")
    parser.add_argument("--record", action="store_true",
                        help="store the result in tools/hub/sizing.json and rewrite the sizing tables and configs")
    args = parser.parse_args(argv)
    if not args.students.isdigit() or int(args.students) < 1:
        parser.error(f"STUDENTS must be a whole number of at least 1, not {args.students!r}")
    args.students = int(args.students)
    timeout = args.timeout or 120 + 20 * args.students
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    args.workdir.parent.mkdir(parents=True, exist_ok=True)
    lock = (args.workdir.parent / f"{args.workdir.name}.lock").open("w")  # freed by the system on exit
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        parser.error(f"another classroom is running in {args.workdir}; wait for it or give --workdir")
    if args.workdir.exists():
        shutil.rmtree(args.workdir)
    args.workdir.mkdir(parents=True)
    bare = args.workdir / "repo" / hubctl.COURSE_NAME
    commit = hubctl.publish_checkout(bare)
    service_token = uuid.uuid4().hex + uuid.uuid4().hex
    offline = str(hubctl.ROOT / "tests" / "offline")
    hub = hubctl.Hub(args.workdir / "hub", str(bare), service_token=service_token, log_level="WARN",
                     extra_env={"PYTHONPATH": offline})
    students = [Student(f"student{i:02d}") for i in range(1, args.students + 1)]
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with Ctrl-C ignored
    print(f"classroom: {args.students} student{'s' if args.students > 1 else ''}, course at commit {commit[:10]}, load average {' '.join(load_before)},"
          f" time limit {timeout:.0f} s", flush=True)
    started = time.monotonic()
    result = None
    try:
        try:
            hub.start()
        except RuntimeError as error:
            print(f"classroom: the hub did not start: {error}", file=sys.stderr)
            return 1
        room = Classroom(hub, service_token)

        async def bounded():
            try:
                await asyncio.wait_for(run_class(room, students, bare, args.workdir), timeout)
            except asyncio.TimeoutError:
                for s in students:
                    if not s.error and not (s.edit_kept and s.update_arrived):
                        s.error = f"not done within the class's time limit ({timeout:.0f} s)"
            return usage(hub.mark, None)[0]

        hub_mb = asyncio.run(bounded())
        result = report(students, hub_mb, time.monotonic() - started)
    except KeyboardInterrupt:
        print("\nclassroom: interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        hub.stop()
        left = hubctl.marked_processes(hub.mark)
        if left:
            print(f"classroom: processes still running after the stop: {left}", file=sys.stderr)
        if result is None and hub.process is not None:
            print(f"classroom: hub log tail:\n{hub.log_tail()}", file=sys.stderr)
    result |= {"load_average": " ".join(load_before), "load_average_after": " ".join(
        Path("/proc/loadavg").read_text().split()[:3]), "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "processes_left": left}
    (args.workdir / "result.json").write_text(json.dumps(result, indent=1) + "\n")
    if args.record:
        sizing.record(result)
    print(result["summary"])  # the last line, always
    ok = result["saw_chart"] == args.students and result["edits_kept"] == args.students and not left
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
