"""gunicorn settings for Không Vội: ``gunicorn -c deploy/gunicorn.conf.py "server:create_app()"``.

Every value can be changed by an environment variable (see deploy/khongvoi.env.example):
``KHONGVOI_BIND`` (default ``127.0.0.1:8000``; nginx is in front), ``KHONGVOI_WORKERS``
(default: one per CPU core — checks are CPU-bound), ``KHONGVOI_THREADS`` (default 4, for the
few requests that wait on the database or a shortened link), ``PROMETHEUS_MULTIPROC_DIR``
(default ``/run/khongvoi/metrics``; emptied at start, each dead worker's files marked).
"""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("KHONGVOI_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("KHONGVOI_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("KHONGVOI_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("KHONGVOI_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # nginx keeps upstream connections open (see deploy/nginx/khongvoi.conf)
# A worker is replaced after this many requests (0: never); jitter avoids all at once.
max_requests = int(os.environ.get("KHONGVOI_MAX_REQUESTS", "0"))
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
accesslog = None  # the app writes one JSON line per request (server/ops/logs.py)
errorlog = "-"
loglevel = os.environ.get("KHONGVOI_LOGLEVEL", "info")
proc_name = "khongvoi"

_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/run/khongvoi/metrics")


def on_starting(server):
    """Start with an empty metrics directory (old workers' files would be summed)."""
    path = Path(_metrics_dir)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def post_worker_init(worker):
    """The worker has loaded the app: its start-up heap is left out of later garbage
    collections, so a full collection no longer stalls checks for tens of ms (issue 16; see
    ``server/ops/heap.py`` for why once, and what it cannot free)."""
    from server.ops.heap import freeze_startup_heap

    frozen = freeze_startup_heap()
    worker.log.info("gc: %d start-up objects frozen", frozen)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
