"""How JQL Reports listens: waitress, its answers of its own, and its log.

Waitress answers some requests itself, before the app sees them: a malformed request
(400), headers over its limit (431), a body over max_request_body_size (413), a
Transfer-Encoding it does not implement (501), and a 500 when the app fails before
it starts its answer. Waitress writes those through its channel's
``error_task_class`` (waitress/channel.py), which the servers here replace so that
they too are the app's JSON error shape with its security headers.

What still gets no JSON: a connection waitress does not read at all (over its
connection_limit, or idle past channel_timeout) is closed without an answer, and a
client that sends no complete request line gets nothing back.
"""

import json
import logging
import threading
import time
import urllib.parse

import waitress
import waitress.channel
import waitress.task

QUEUE_SUMMARY_SECONDS = 60
# Above the largest body the app reads (documents.IMPORT_BODY_LIMIT), so that the
# app's own 413 answers an oversized import, with its message, before waitress does.
MAX_REQUEST_BODY = 1024 * 1024


class JsonErrorTask(waitress.task.ErrorTask):
    """Waitress's own error answer, in the app's shape: {"error", "status"}."""

    def execute(self):
        error = self.request.error
        detail = str(error.body).strip()
        message = f"{error.reason}: {detail}" if detail else error.reason
        body = json.dumps({"error": message, "status": error.code}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"),
                                      *self.channel.server.answer_headers.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(waitress.channel.HTTPChannel):
    error_task_class = JsonErrorTask


class QueueSummary(logging.Filter):
    """Waitress warns "Task queue depth is N" for every request that has to wait for
    a worker thread (waitress/task.py, add_task): under load, thousands of lines a
    minute. This keeps one line at most every QUEUE_SUMMARY_SECONDS, which counts
    the waits since the last one and the deepest queue seen."""

    def __init__(self, seconds=QUEUE_SUMMARY_SECONDS):
        super().__init__()
        self.seconds = seconds
        self.lock = threading.Lock()
        self.waits = 0
        self.deepest = 0
        self.last = float("-inf")

    def filter(self, record):
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else 0
        with self.lock:
            self.waits += 1
            self.deepest = max(self.deepest, depth if isinstance(depth, int) else 0)
            now = time.monotonic()
            if now - self.last < self.seconds:
                return False
            waits, deepest, self.waits, self.deepest = self.waits, self.deepest, 0, 0
            since = "" if self.last == float("-inf") else \
                f" in the last {now - self.last:.0f} s"
            self.last = now
        record.msg = ("%d requests waited for a free worker thread%s (deepest queue %d); "
                      "if this lasts, see the README on ADDON_THREADS")
        record.args = (waits, since, deepest)
        return True


QUEUE_LOG = logging.getLogger("waitress.queue")
QUEUE_FILTER = QueueSummary()


def make_server(app, host, port, threads):
    """A waitress server for the app, not yet running (``server.run()``)."""
    if QUEUE_FILTER not in QUEUE_LOG.filters:
        QUEUE_LOG.addFilter(QUEUE_FILTER)
    sockets = {}
    server = waitress.create_server(
        app, map=sockets, host=host, port=port, threads=threads,
        url_prefix=urllib.parse.urlsplit(
            (app.config.get("addon.base_url") or "").rstrip("/")).path,
        max_request_body_size=MAX_REQUEST_BODY, ident="jql-reports")
    for listener in sockets.values():  # one per address the host name gave
        if hasattr(listener, "channel_class"):
            listener.channel_class = JsonErrorChannel
            listener.answer_headers = app.config["addon.headers"]
    return server
