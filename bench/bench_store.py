"""Importing and serving a million rules.

    .venv/bin/python bench/bench_store.py [--rules 1000000] [--postgres]

1. Writes a CSV of N deny rules (realistic Vietnamese names and evidence URLs) to a temp dir.
2. ``flask sources import`` path in-process: parse + validate every row (``read_rules``) and
   ``store.import_rules`` into a fresh SQLite database (or PostgreSQL with ``--postgres``):
   seconds, split into parsing and writing, and the importing process's peak resident
   memory (it holds every parsed rule). Then the same rules again with ``replace``: the
   diff path, where nothing changes.
3. ``store.load_rules()`` alone: seconds to stream the whole (version, rows) snapshot.
4. In a fresh child process: ``create_app()`` on that database, build the checker service
   from the store (the in-memory index), check one URL; prints seconds to build, the
   process's resident memory (RSS) afterwards and its peak.

A PostgreSQL run works in a fresh schema of the ``test`` database, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_checker import deny_domains  # noqa: E402
from server.rule_files import read_rules  # noqa: E402
from server.store import SQLStore  # noqa: E402

CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ["DATABASE_URL"] = {url!r}
from server import create_app
app = create_app({{"SECRET_KEY": "bench", "LOOKALIKE": False}})
service = app.extensions["khongvoi.checker"]
t0 = time.perf_counter()
service.refresh(force=True)
built = time.perf_counter() - t0
result = service.check("https://www." + {probe!r} + "/tin")
assert result.verdict == "denied", result
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
rss = int(status["VmRSS"].split()[0]) // 1024  # kB -> MB
peak = int(status["VmHWM"].split()[0]) // 1024  # high-water mark of this image (not inherited)
print(f"{{built:.1f}} {{rss}} {{peak}}")
"""


def write_csv(path: Path, n: int) -> list[str]:
    """A deny-list CSV of ``n`` rules; returns the domains."""
    domains = deny_domains(n)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("pattern,name,category,scope,evidence,note,review_by\n")
        for i, d in enumerate(domains):
            fh.write(
                f"{d},Trang giả mạo số {i},impersonation,national,"
                f"https://canhbao.example.vn/bao-cao/{i},,\n"
            )
    return domains


def peak_rss_mb() -> int:
    """This process's resident-memory high-water mark (VmHWM), in MB."""
    lines = Path("/proc/self/status").read_text().splitlines()
    status = dict(line.split(":", 1) for line in lines)
    return int(status["VmHWM"].split()[0]) // 1024


def time_load_rules(store: SQLStore) -> tuple[float, int]:
    """Seconds to stream every row of ``load_rules()``, and how many rows."""
    t0 = time.perf_counter()
    _version, rows = store.load_rules()
    count = sum(1 for _ in rows)
    return time.perf_counter() - t0, count


def drop_schema(schema: str) -> None:
    """Drop the benchmark's PostgreSQL schema."""
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_BASE)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


PG_BASE = "postgresql+psycopg://root@127.0.0.1:5432/test"


def pg_url() -> tuple[str, str]:
    """A fresh schema on the local PostgreSQL and a URL using it."""
    from sqlalchemy import create_engine, text

    base = PG_BASE
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}", schema


def import_csv(url: str, csv_path: Path, n: int) -> None:
    """Parse and import the CSV into a fresh store at ``url``; print the figures."""
    store = SQLStore(url)
    store.create_schema()
    t0 = time.perf_counter()
    with csv_path.open("rb") as fh:  # as `flask sources import` reads it
        parsed = read_rules(fh, list_="deny", max_bytes=None)
    t1 = time.perf_counter()
    result = store.import_rules(parsed.rules)
    t2 = time.perf_counter()
    assert not parsed.errors and result.added == n, (parsed.errors[:3], result)
    print(f"backend: {store.engine.dialect.name}; rules: {n:,}")
    print(
        f"import from CSV: {t2 - t0:.1f} s (parse+validate {t1 - t0:.1f} s, "
        f"write {t2 - t1:.1f} s); importing process peak RSS {peak_rss_mb()} MB"
    )
    t3 = time.perf_counter()
    again = store.import_rules(parsed.rules, replace_lists=["deny"])
    assert (again.added, again.changed, again.unchanged) == (0, 0, n), again
    print(
        f"re-import of the same rules with replace (the diff path): "
        f"{time.perf_counter() - t3:.1f} s; peak RSS {peak_rss_mb()} MB"
    )
    del parsed
    seconds, count = time_load_rules(store)
    assert count == n
    print(f"load_rules(): {seconds:.1f} s for {count:,} rows")
    store.dispose()


def build_service(url: str, probe: str) -> None:
    """In a fresh process: the service built from the store; its time and memory."""
    child = CHILD.format(root=str(ROOT), url=url, probe=probe)
    out = subprocess.run(
        [sys.executable, "-c", child],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=ROOT,
    )
    if out.returncode:
        sys.exit(out.stderr)
    built, rss, peak = out.stdout.split()
    print(f"service built from the store in {built} s; RSS {rss} MB (peak {peak} MB)")


def main() -> None:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", type=int, default=1_000_000)
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        csv_path = tmp / "deny.csv"
        domains = write_csv(csv_path, args.rules)
        url, schema = pg_url() if args.postgres else (f"sqlite:///{tmp / 'bench.sqlite3'}", "")
        try:
            import_csv(url, csv_path, args.rules)
            build_service(url, domains[len(domains) // 2])
        finally:
            if schema:
                drop_schema(schema)


if __name__ == "__main__":
    main()
