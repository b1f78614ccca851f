"""gunicorn settings for `make run` and production (deploy/systemd/tuquan-web.service).

The access log leaves out the client address (%(h)s) and the query string on
purpose: residents' tips and reports must leave no trace of the sender.
"""

import multiprocessing
import os

# One machine: 127.0.0.1 behind the local nginx. Several web machines behind
# one nginx: GUNICORN_BIND=10.0.0.11:8000 (a private address the proxy reaches).
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# Sync workers: one request and one database connection each. Two per core
# plus one keeps the cores busy while others wait for PostgreSQL; the database
# must admit workers x web machines + Celery threads (docs/deployment.md).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# A worker is replaced after this many requests (with jitter, so not all at once):
# a slow leak in a library cannot grow for weeks.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
timeout = 30
graceful_timeout = 30

if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_personal_data": {"()": "config.logging.NoPersonalData"}},
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["no_personal_data"],
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(server, worker):
    # Metrics of several worker processes are added up from files
    # (config/metrics.py); a dead worker's live gauges must not count.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
