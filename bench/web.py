"""Benchmark: the candidates' portal under load, gunicorn with 2 sync workers on PostgreSQL (issue 11).

Measures, each for ``--duration`` seconds after ``--warmup`` seconds, at ``--connections``
concurrent connections to 127.0.0.1 only, every request on a new connection (``Connection: close``;
gunicorn's sync workers close every connection anyway):

- ``baseline``: a minimal Flask + SQLAlchemy application (``bench/baseline_app.py``) reading one row
  by key from the same database, served by the same gunicorn settings;
- ``my cases``: ``GET /portal/cases`` as logged-in candidates (one session cookie each, picked in turn),
  each with the two cases of the scene: the first half of the candidates, who never file here (the
  page's cost grows with the number of cases listed);
- ``filing``: the request for review ``POST /portal/file/review?decision=ID`` by the other half, with
  the form's CSRF
  token and a small PDF, each with its own grounds text. After it, every filing the client saw
  accepted (2xx/3xx) must be in the database exactly once: the cases carrying the run's grounds are
  counted and must equal the accepted count, with no grounds text twice;
- ``floor``, a reference with no target: the same multipart body posted to the baseline application's
  ``/floor``, which writes the rows of one request for review by plain Core inserts and does nothing
  else (``bench/baseline_app.py``): what any filing costs at least, on the same machine in the same run.

Targets (share of the baseline's requests per second): ``my cases`` >= 40 %, ``filing`` >= 25 %, and
p99 < 250 ms for both.

    python bench/web.py --postgres URL [--candidates 96] [--connections 32] [--duration 15] [--runs 1] [--json]

The scene (not timed): a fresh database at head (``casework db upgrade``'s migrations), the demo
data (``casework.demo.load_demo``, about a minute), then ``--candidates`` candidates excluded at
eligibility by the board, each with an account (password set with ``casework.auth.passwords`` using
the cheap TESTING Argon2 profile — the bench's gunicorn app gets the same ``ARGON2_*`` so that the
login does not rehash; the login is not part of any measure) and two requests for review already
filed (so that "my cases" lists something). The load generator is an asyncio client in this process
(raw sockets, no keep-alive): it shares the 2 cores with gunicorn and PostgreSQL, and its CPU share
is printed. Cookies are made by logging in once per candidate through ``/login`` before measuring.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from workflows import fresh_database

from casework.auth import accounts, passwords
from casework.auth.actors import actor_for
from casework.auth.models import Role
from casework.competitions.models import Application, Decision
from casework.demo import load_demo
from casework.workflows import Upload
from casework.workflows.requests import FilingRequest, file_request

HOST = "127.0.0.1"
AGENT = "casework-bench/1"
PASSWORD = "bench-password-1"
PDF = b"%PDF-1.4\n%casework bench\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ARGON2 = {f"ARGON2_{k.upper()}": v for k, v in passwords.TESTING.items()}
TARGETS = {"my cases": 0.40, "filing": 0.25}
P99_MS = 250.0
CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


# --- the scene --------------------------------------------------------------------------------------

@dataclass
class Candidate:
    user_id: int
    email: str
    decision: int
    cookie: str = ""
    token: str = ""


def build_scene(db, n: int) -> list[Candidate]:
    """The demo, then ``n`` candidates with an account and two filed requests for review each."""
    cheap = passwords.hasher(**passwords.TESTING)
    with db.session_scope() as s:
        load_demo(s)
    made: list[Candidate] = []
    with db.session_scope() as s:
        rows = s.execute(select(Decision, Application).join(Application, Decision.application_id == Application.id)
                         .where(Decision.kind == "excluded", Decision.phase == "eligibility",
                                Decision.author == "board").order_by(Decision.id).limit(n)).all()
        if len(rows) < n:
            raise SystemExit(f"the demo has {len(rows)} candidates excluded by the board, not {n}")
        for decision, application in rows:
            candidate = application.candidate
            user = accounts.create_user(s, email=candidate.email, name=candidate.full_name, role=Role.CANDIDATE,
                                        candidate_email=candidate.email, language=candidate.correspondence_language,
                                        actor="bench")
            passwords.change_password(user, PASSWORD, cheap)
            s.flush()
            actor = actor_for(s, user)
            for i in range(2):
                file_request(s, actor, FilingRequest("review", decision=str(decision.id),
                                                     details={"grounds": f"scene grounds {i}"},
                                                     documents=[Upload("evidence.pdf", PDF, "application/pdf")]))
            made.append(Candidate(user.id, user.email, decision.id))
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return made


# --- gunicorn ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(app: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-k", "sync", "-b", f"{HOST}:{port}",
         "--chdir", str(ROOT / "bench"), "--log-level", "warning", app],
        env={**os.environ, **env, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            time.sleep(1.0)          # let every worker boot
            return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {app} exited with {process.returncode}")
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn {app} did not listen within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- a minimal HTTP/1.1 client, one connection per request -----------------------------------------

@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookie(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "set-cookie" and value.startswith("session="):
                return value.split(";", 1)[0]
        return None


async def http(port: int, method: str, path: str, *, cookie: str = "", body: bytes = b"",
               content_type: str = "") -> Response:
    reader, writer = await asyncio.open_connection(HOST, port)
    head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", f"User-Agent: {AGENT}", "Connection: close"]
    if cookie:
        head.append(f"Cookie: {cookie}")
    if body or method == "POST":
        head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    data = await reader.read(-1)
    writer.close()
    raw_head, _, payload = data.partition(b"\r\n\r\n")
    lines = raw_head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    return Response(int(lines[0].split()[1]), headers, payload)


def csrf(body: bytes) -> str:
    found = CSRF.search(body)
    if not found:
        raise SystemExit("no csrf_token in the page")
    return (found.group(1) or found.group(2)).decode()


async def log_in(port: int, c: Candidate) -> None:
    page = await http(port, "GET", "/login")
    cookie = page.cookie()
    done = await http(port, "POST", "/login", cookie=cookie, content_type="application/x-www-form-urlencoded",
                      body=urlencode({"csrf_token": csrf(page.body), "email": c.email,
                                      "password": PASSWORD}).encode())
    if done.status != 302 or not done.cookie():
        raise SystemExit(f"login of {c.email}: {done.status}")
    c.cookie = done.cookie()
    form = await http(port, "GET", f"/portal/file/review?decision={c.decision}", cookie=c.cookie)
    if form.status != 200:
        raise SystemExit(f"the filing form for {c.email}: {form.status}")
    c.cookie = form.cookie() or c.cookie       # the form's CSRF secret lives in the (signed) session
    c.token = csrf(form.body)


def multipart(c: Candidate, grounds: str) -> tuple[bytes, str]:
    boundary = "----bench" + secrets.token_hex(8)
    parts = []
    for name, value in (("csrf_token", c.token), ("decision", str(c.decision)), ("detail_grounds", grounds),
                        ("detail_technical_issue", "no")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="evidence.pdf"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + PDF + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- load ------------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)    # of the measured window, in seconds
    statuses: dict[int, int] = field(default_factory=dict)  # every response, warm-up included
    errors: int = 0
    client_cpu: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def accepted(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 400)


async def load(name: str, port: int, connections: int, warmup: float, duration: float, make) -> Result:
    """``connections`` loops each sending ``make(loop, n)`` -> (method, path, cookie, body, type) until
    the end; no request is started after it and every one started is awaited (exact counts)."""
    result = Result(name, duration)
    start = time.monotonic()
    measure_from, end = start + warmup, start + warmup + duration

    async def one(i: int) -> None:
        n = 0
        while time.monotonic() < end:
            method, path, cookie, body, kind = make(i, n)
            n += 1
            t = time.monotonic()
            try:
                response = await http(port, method, path, cookie=cookie, body=body, content_type=kind)
            except OSError:
                result.errors += 1
                continue
            done = time.monotonic()
            result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
            if t >= measure_from and done <= end:
                result.latencies.append(done - t)

    cpu = time.process_time()
    await asyncio.gather(*(one(i) for i in range(connections)))
    result.client_cpu = (time.process_time() - cpu) / (time.monotonic() - start)
    return result


def run_once(args, run: int, scene: list[Candidate], casework_port: int, baseline_port: int, db) -> list[dict]:
    readers, filers = scene[:len(scene) // 2], scene[len(scene) // 2:]   # (a) never sees (b)'s filings
    users = [c.user_id for c in scene]
    k, r, f = len(scene), len(readers), len(filers)

    def baseline(i, n):
        return "GET", f"/row/{users[(i * 7 + n) % k]}", "", b"", ""

    def my_cases(i, n):
        return "GET", "/portal/cases", readers[(i * 7 + n) % r].cookie, b"", ""

    tag = f"bench r{run}-{secrets.token_hex(3)}"

    def filing(i, n):
        c = filers[(i * 7 + n) % f]
        body, kind = multipart(c, f"{tag}-{i}-{n}: the board did not count my part-time years pro rata")
        return "POST", f"/portal/file/review?decision={c.decision}", c.cookie, body, kind

    def floor(i, n):            # the same body, to the baseline application's /floor
        body, kind = multipart(filers[(i * 7 + n) % f], f"floor r{run}-{i}-{n}: the board did not count my years")
        return "POST", "/floor", "", body, kind

    def go(name, port, make):
        spy = None
        if args.profile and port == casework_port:     # one worker of casework, while the load runs
            worker = Path(f"/proc/{args.casework_pid}/task/{args.casework_pid}/children").read_text().split()[0]
            spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
                                    "--nonblocking", "-d", str(int(args.warmup + args.duration)), "-p", worker,
                                    "-o", str(Path(args.profile) / f"{name.replace(' ', '-')}-r{run}.txt")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = asyncio.run(load(name, port, args.connections, args.warmup, args.duration, make))
        if spy is not None:
            spy.wait()
        return result

    with db.engine.connect() as conn:
        # the previous run added thousands of cases: statistics as autovacuum keeps them in steady state
        # (with the scene's, a page of two cases read tables 100 times their size: 18 ms instead of 2.5)
        conn.execute(text("ANALYZE"))
        conn.commit()
    print(f"  run {run}: load average {os.getloadavg()[0]:.1f} (2 cores)", file=sys.stderr, flush=True)
    base = go("baseline", baseline_port, baseline)
    cases = go("my cases", casework_port, my_cases)
    filed = go("filing", casework_port, filing)
    bottom = go("floor", baseline_port, floor)
    with db.engine.connect() as conn:
        in_db, distinct = conn.execute(text(
            "SELECT count(*), count(DISTINCT details::text) FROM cases WHERE details::text LIKE :p"),
            {"p": f"%{tag}-%"}).one()
    for r in (base, cases, filed, bottom):
        bad = {s: n for s, n in r.statuses.items() if not 200 <= s < 400}
        print(f"  run {run} {r.name:9s} {r.rps:8.1f} req/s  p50 {r.pct(0.50):6.1f} ms  p99 {r.pct(0.99):6.1f} ms  "
              f"({len(r.latencies)} measured; statuses {dict(sorted(r.statuses.items()))}"
              f"{'; NOT 2xx/3xx ' + str(bad) if bad else ''}; connection errors {r.errors}; "
              f"client CPU {100 * r.client_cpu:.0f} % of a core)", file=sys.stderr, flush=True)
    out = []
    for r in (cases, filed):
        ratio = r.rps / base.rps
        met = ratio >= TARGETS[r.name] and r.pct(0.99) < P99_MS
        out.append({"run": run, "measure": r.name, "figure": round(r.rps, 1), "baseline": round(base.rps, 1),
                    "ratio": round(ratio, 3), "p50_ms": round(r.pct(0.5), 1), "p99_ms": round(r.pct(0.99), 1),
                    "baseline_p50_ms": round(base.pct(0.5), 1), "baseline_p99_ms": round(base.pct(0.99), 1),
                    "target": f"ratio >= {TARGETS[r.name]:.2f} and p99 < {P99_MS:.0f} ms", "met": met})
    out.append({"run": run, "measure": "floor", "figure": round(bottom.rps, 1), "baseline": round(base.rps, 1),
                "ratio": round(bottom.rps / base.rps, 3), "p50_ms": round(bottom.pct(0.5), 1),
                "p99_ms": round(bottom.pct(0.99), 1), "target": None, "met": None,
                "note": "a reference: the rows of one filing by Core inserts, nothing else (baseline_app.py)"})
    exact = in_db == filed.accepted and distinct == in_db and not filed.errors
    out.append({"run": run, "measure": "filings exactly once", "figure": in_db, "baseline": filed.accepted,
                "ratio": round(in_db / filed.accepted, 3) if filed.accepted else None, "distinct": distinct,
                "target": "cases in the database == filings accepted (2xx/3xx), none twice", "met": exact})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_TEST_POSTGRES_URL"))
    parser.add_argument("--candidates", type=int, default=96,
                        help="half read 'my cases', the other half file (the demo has 106 such candidates)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per measure")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring, per measure")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (both applications)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON object per measure on stdout")
    parser.add_argument("--profile", metavar="DIR", help="py-spy (raw stacks) of one casework worker per measure "
                        "into DIR: this slows the measures, use it for a separate run")
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("--postgres URL is required (or CASEWORK_TEST_POSTGRES_URL)")
    with fresh_database(args.postgres) as db:
        t = time.perf_counter()
        scene = build_scene(db, args.candidates)
        print(f"scene: demo + {len(scene)} candidates with accounts in {time.perf_counter() - t:.0f} s (not timed)",
              file=sys.stderr, flush=True)
        secret = secrets.token_hex(32)
        casework_app = "casework:create_app(" + repr({**ARGON2, "SECRET_KEY": secret, "PUBLIC_URL": f"http://{HOST}"}) + ")"
        casework, casework_port = start_gunicorn(casework_app, {"DATABASE_URL": db.url, "SECRET_KEY": secret},
                                                 args.workers)
        args.casework_pid = casework.pid
        baseline, baseline_port = start_gunicorn("baseline_app:create_app()", {"BENCH_DATABASE_URL": db.url},
                                                 args.workers)
        try:
            for c in scene:
                asyncio.run(log_in(casework_port, c))
            results = []
            for run in range(1, args.runs + 1):
                results += run_once(args, run, scene, casework_port, baseline_port, db)
        finally:
            stop(casework)
            stop(baseline)
    for r in results:
        if args.json:
            print(json.dumps(r))
        elif r["measure"] == "floor":
            print(f"run {r['run']} floor     {r['figure']:8.1f} req/s = {100 * r['ratio']:5.1f} % of the "
                  f"baseline; p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms (a reference, no target)")
        elif r["measure"] == "filings exactly once":
            print(f"run {r['run']} filings: {r['baseline']} accepted, {r['figure']} in the database "
                  f"({r['distinct']} distinct): {'met' if r['met'] else 'NOT MET'}")
        else:
            print(f"run {r['run']} {r['measure']:9s} {r['figure']:8.1f} req/s = {100 * r['ratio']:5.1f} % of the "
                  f"baseline's {r['baseline']:.1f} req/s; p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms "
                  f"(target {r['target']}): {'met' if r['met'] else 'NOT MET'}")


if __name__ == "__main__":
    main()
