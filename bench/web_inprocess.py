"""Benchmark: what one portal request costs, in the process (no HTTP server, no load generator).

The companion of ``bench/web.py`` for finding where a request's time goes: the scene of ``web.py``
(the demo, then candidates with accounts and two requests for review each) on a fresh PostgreSQL
database, then the Flask test client, one request after another, for

- ``baseline``: ``bench/baseline_app.py`` (one row read by key) on the same database;
- ``my cases``: ``GET /portal/cases`` by a candidate who never files here;
- ``filing``: the request for review ``POST /portal/file/review`` with its CSRF token and a small PDF,
  by another candidate, each time with the session cookie its form gave (as ``web.py`` does: no flashed
  message piles up in the cookie).

Prints milliseconds per request (best of ``--rounds``) and each one's ratio to the baseline;
``--sql`` lists the statements of one request of each; ``--profile N`` prints the N functions with the
most own time (cProfile, a separate round: it slows everything).

    python bench/web_inprocess.py --postgres URL [--requests 500] [--rounds 3] [--sql] [--profile 25]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import web  # bench/web.py: the scene and the forms
from workflows import fresh_database

from casework import create_app


def clients(db, scene: list[web.Candidate]):
    """The three measures as functions of no argument, each asserting its answer."""
    import baseline_app
    os.environ["BENCH_DATABASE_URL"] = db.url
    base = baseline_app.create_app().test_client()
    app = create_app({**web.ARGON2, "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": db.url,
                      "PUBLIC_URL": "http://127.0.0.1"})
    reader, filer = (app.test_client() for _ in range(2))
    for client, who in ((reader, scene[0]), (filer, scene[-1])):
        page = client.get("/login")
        done = client.post("/login", data={"csrf_token": web.csrf(page.data), "email": who.email,
                                           "password": web.PASSWORD})
        assert done.status_code == 302, done.status_code
    form = filer.get(f"/portal/file/review?decision={scene[-1].decision}")
    token, cookie = web.csrf(form.data), filer.get_cookie("session").value
    user_id = scene[0].user_id

    def baseline():
        assert base.get(f"/row/{user_id}").status_code == 200

    def my_cases():
        assert reader.get("/portal/cases").status_code == 200

    def filing():
        filer.set_cookie("session", cookie)
        response = filer.post(f"/portal/file/review?decision={scene[-1].decision}", data={
            "csrf_token": token, "decision": str(scene[-1].decision), "detail_technical_issue": "no",
            "detail_grounds": f"in-process {secrets.token_hex(4)}: the board did not count my part-time years",
            "evidence": (io.BytesIO(web.PDF), "evidence.pdf", "application/pdf")}, content_type="multipart/form-data")
        assert response.status_code == 302, response.status_code

    return {"baseline": baseline, "my cases": my_cases, "filing": filing}


def per_request(fn, n: int, rounds: int) -> float:
    for _ in range(min(n, 50)):
        fn()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return 1000 * best


def statements(fn) -> list[str]:
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(Engine, "before_cursor_execute", listen)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("CASEWORK_TEST_POSTGRES_URL"))
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--requests", type=int, default=500, help="requests per round and measure")
    parser.add_argument("--rounds", type=int, default=3, help="the best round counts")
    parser.add_argument("--sql", action="store_true", help="the statements of one request of each measure")
    parser.add_argument("--profile", type=int, metavar="N", help="the N functions with the most own time")
    args = parser.parse_args()
    if not args.postgres:
        raise SystemExit("--postgres URL is required (or CASEWORK_TEST_POSTGRES_URL)")
    with fresh_database(args.postgres) as db:
        scene = web.build_scene(db, args.candidates)
        measures = clients(db, scene)
        base = per_request(measures["baseline"], args.requests, args.rounds)
        for name, fn in measures.items():
            ms = per_request(fn, args.requests, args.rounds) if name != "baseline" else base
            print(f"{name:9s} {ms:7.2f} ms per request  ({100 * base / ms:5.1f} % of the baseline's rate)")
            if args.sql:
                for statement in statements(fn):
                    print(f"    {statement[:160]}")
            if args.profile:
                profile = cProfile.Profile()
                profile.runcall(lambda run=fn: [run() for _ in range(args.requests // 5 or 1)])
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.profile)
                print("\n".join("    " + line for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()
