"""gunicorn's settings for Coalition: ``gunicorn -c gunicorn.conf.py wsgi:app``.

At the top of the checkout because gunicorn reads ``./gunicorn.conf.py`` by itself: the image, a server run from a
checkout and the reliability and cluster tests all serve with these settings. Command-line options override them.
``PORT`` and ``WEB_CONCURRENCY`` come from the environment (docs/deployment.md).
"""

import os
import shutil

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Sync workers, one request each at a time: nginx in front buffers slow clients and uploads. Twice the cores this
# process may run on, plus one, up to 8: a larger machine is better served by more replicas, and every worker keeps
# its own database connections. A container's CPU quota (`cpus:`) is not seen here: set WEB_CONCURRENCY with it.
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * cores + 1, 8))

# Seconds a request may take before its worker is killed: above FFMPEG_TIMEOUT (120 s), which bounds the slowest
# thing a request does (a video's display copy, made during its upload), so ffmpeg fails cleanly first.
timeout = 150
# On SIGTERM (a deploy, `docker stop`), the seconds workers get to finish what they are answering; compose waits
# a little longer (stop_grace_period) before killing.
graceful_timeout = 30
# Seconds an idle keep-alive connection stays open. Sync workers close after each response anyway (nginx talks to
# them over HTTP/1.0); this applies if the worker class becomes gthread.
keepalive = 5

# The heartbeat file on tmpfs: a worker blocked on a slow container disk is not taken for a hung one.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No control socket (gunicorn 25.1 and later open one in $HOME/.gunicorn): it is one path for every gunicorn a user
# runs, so servers on one machine would take it from each other, and the image's user may not write its home.
# Signals do what it offers: HUP reloads, TTIN and TTOU add and remove a worker, TERM stops.
control_socket_disable = True

# Not preloaded: each worker builds the app itself, so no database, Redis or job-queue connection is ever shared
# across fork, and `kill -HUP` starts workers on new code. It costs a few seconds and some memory per worker.
preload_app = False

# The app's ProxyFix (TRUSTED_PROXIES) alone reads X-Forwarded-For and X-Forwarded-Proto. gunicorn trusting them
# too (its default trusts loopback) would decide the scheme differently from the app, and would let whoever
# reaches it from there set SCRIPT_NAME and PATH_INFO.
forwarded_allow_ips = ""

# One access line per request on stdout, with no client address, no path and no query string: paths and queries
# carry secrets (password-reset, invitation and application-status links, personal calendar feeds under
# /meetings/feed/<token>.ics). Method, status, size, duration and the request id are enough to watch traffic;
# the request id leads to the app's own log line, which names the endpoint (the route without its arguments).
accesslog = "-"
access_log_format = '%(t)s "%(m)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
errorlog = "-"
loglevel = "info"


def on_starting(server):
    """Metrics of several workers (prometheus_client's multiprocess mode) are files in PROMETHEUS_MULTIPROC_DIR:
    start each server with the folder empty, or the last run's counters would be added to this one's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    from app.core.metrics import child_exit

    child_exit(server, worker)


def post_worker_init(worker):
    """Warm what a worker would otherwise build inside its first requests: every language's name (forms and
    filters; about a second of CLDR reading, which a first filing would do holding SQLite's write lock)."""
    from app.incidents.vocab import warm_language_names

    warm_language_names(worker.wsgi.config["SUPPORTED_LOCALES"])
