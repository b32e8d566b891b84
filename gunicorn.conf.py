"""gunicorn settings for `make serve` and for every node of the scale-out setup.

    gunicorn -c gunicorn.conf.py                 # http://127.0.0.1:8000, one worker per core
    PORT=8001 WORKERS=2 gunicorn -c gunicorn.conf.py
    ACCESS_LOG=- gunicorn -c gunicorn.conf.py    # one line per request on stdout

The index and content folders come from EXERCISE_LIBRARY_INDEX_PATH and
EXERCISE_LIBRARY_CONTENT_DIR (read by create_app), so several nodes can run side by side,
each with its own index built from the same content.
"""

import gc
import os
import subprocess
import sys
from pathlib import Path

# Import wsgi:app from the repository whatever the current directory is.
chdir = str(Path(__file__).resolve().parent)
wsgi_app = "wsgi:app"

# Loopback only, always: gunicorn itself would listen on 0.0.0.0 when PORT is set. The
# public side is nginx (deploy/nginx.conf), which buffers slow clients for the sync workers.
bind = f"127.0.0.1:{int(os.environ.get('PORT', '8000'))}"

# Rendering is CPU-bound (Jinja and SQLite in-process) and the sync workers never wait on
# a network, so more workers than cores only adds switching and memory.
workers = int(os.environ.get("WORKERS", os.cpu_count() or 1))
worker_class = "sync"

# gunicorn 25.1+ opens a control socket under ~/.gunicorn by default; nothing here uses it,
# and a second node on the same machine would fight over the same path.
control_socket_disable = True

# Errors, with tracebacks, on stderr. Requests are logged where the visitor is seen: nginx in
# front (deploy/nginx.conf) keeps the access log with each visitor's address, where gunicorn
# behind it would write 127.0.0.1 on every line, and formatting that line costs a worker
# about a twentieth of a request. ACCESS_LOG=- (stdout) or a file path turns it on, in the
# Apache combined format that log tools already read plus the time taken in microseconds.
errorlog = "-"
accesslog = os.environ.get("ACCESS_LOG") or None
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'


def on_starting(server):
    """Build the index before any worker starts (`flask index --if-changed`, in a child process, so the
    workers never load the content pipeline). A content problem is logged and the index in
    place keeps serving, as `flask index` leaves it untouched. The floor app of `make bench`
    (another wsgi_app) is left alone."""
    if server.cfg.wsgi_app != wsgi_app:
        return
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "index", "--if-changed"],
        cwd=chdir,
        capture_output=True,
        text=True,
    )
    for line in (result.stdout + result.stderr).splitlines():
        server.log.info("flask index: %s", line)
    if result.returncode != 0:
        server.log.error("the index was not rebuilt; serving the one in place, if any")


def post_worker_init(worker):
    """Take what the worker has loaded (the app, its libraries, compiled templates) out of
    the garbage collector's passes. None of it ever becomes garbage, yet every full
    collection walked all of it, 40 to 50 ms in the middle of a request while the other
    requests waited; frozen, a full collection walks only what requests made since."""
    gc.freeze()
