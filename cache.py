"""Work the server does once and reuses: verified tokens, tenant rows, list answers.

A token is verified once, then found by its exact text until the moment its
verification would start to refuse it (``Tenant.valid_until``: its exp plus the
leeway). A tenant's row is read once for the tokens of its site. A list answer is
kept as the bytes sent, per site and user, with its ETag.

All of it rests on the database, so any change to it drops everything, whoever
made it:
- a request of this server that changed rows (its connection's ``total_changes``
  moved) drops it all before its answer is sent;
- a change made elsewhere (the CLI's import or purge, another server thread) moves
  SQLite's ``PRAGMA data_version`` (sqlite.org/pragma.html#pragma_data_version),
  which the first request after every NOTICE_SECONDS reads: such a change is seen
  within that time. Asking on every request would cost each one a round through
  SQLite, and with it a wait for the interpreter lock under load.
Writes are rare next to reads, so dropping everything keeps the rule simple. Work
that began before a drop is not kept after it: each store names the ``epoch`` read
before the database was, and every drop moves the epoch on.
"""

import collections
import hashlib
import threading
import time

NOTICE_SECONDS = 0.1
MAX_TOKENS = 10_000
MAX_TENANTS = 10_000
MAX_ANSWER_BYTES = 32 << 20


class Lru:
    """A map that forgets its least recently used entries beyond ``limit``, where
    each entry weighs ``weigh(value)`` (1 unless given)."""

    def __init__(self, limit, weigh=lambda value: 1):
        self.limit = limit
        self.weigh = weigh
        self.items = collections.OrderedDict()
        self.weight = 0

    def get(self, key):
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key, value):
        if self.weigh(value) > self.limit:
            return
        self.pop(key)
        self.items[key] = value
        self.weight += self.weigh(value)
        while self.weight > self.limit:
            _, gone = self.items.popitem(last=False)
            self.weight -= self.weigh(gone)

    def pop(self, key):
        value = self.items.pop(key, None)
        if value is not None:
            self.weight -= self.weigh(value)

    def clear(self):
        self.items.clear()
        self.weight = 0


class Cache:
    """The server's caches, safe across worker threads."""

    def __init__(self, notice_seconds=NOTICE_SECONDS, max_tokens=MAX_TOKENS,
                 max_bytes=MAX_ANSWER_BYTES):
        self.notice_seconds = notice_seconds
        self.lock = threading.Lock()
        self.local = threading.local()
        self.tokens = Lru(max_tokens)  # token text -> Tenant
        self.tenants = Lru(MAX_TENANTS)  # (client_key, kind) -> row, or False: none
        self.answers = Lru(max_bytes, lambda found: len(found[1]))  # key -> (etag, body)
        self.epoch = 0
        self.noticed_at = float("-inf")

    def notice(self, db):
        """Every ``notice_seconds``, drop everything if another connection has committed
        since ``db`` last asked (or if it never asked: it cannot know)."""
        now = time.monotonic()
        if now - self.noticed_at < self.notice_seconds:
            return
        version = db.execute("PRAGMA data_version").fetchone()[0]
        self.noticed_at = now  # only once the database answered: else ask again
        if getattr(self.local, "seen", None) != (id(db), version):
            self.local.seen = (id(db), version)
            self.drop()

    def drop(self):
        """Forget everything: the data it rests on changed."""
        with self.lock:
            self.epoch += 1
            for lru in (self.tokens, self.tenants, self.answers):
                lru.clear()

    def token(self, text):
        """The Tenant a token was verified as, while still valid; else None."""
        with self.lock:
            tenant = self.tokens.get(text)
            if tenant is not None and time.time() >= tenant.valid_until:
                self.tokens.pop(text)
                return None
            return tenant

    def tenant(self, key, read):
        """The tenant row for ``key``, by ``read()`` once (None when there is none)."""
        with self.lock:
            row = self.tenants.get(key)
            epoch = self.epoch
        if row is None:
            row = read() or False
            self.keep(self.tenants, key, row, epoch)
        return row or None

    def answer(self, key):
        """(etag, body) kept for ``key``, or None."""
        with self.lock:
            return self.answers.get(key)

    def keep(self, lru, key, value, epoch):
        """Remember ``value`` unless the data changed since ``epoch``."""
        with self.lock:
            if epoch == self.epoch:
                lru.put(key, value)

    def keep_answer(self, key, body, epoch):
        """Remember an answer's bytes; returns (etag, body)."""
        found = (etag(body), body)
        self.keep(self.answers, key, found, epoch)
        return found


def etag(body):
    """A strong ETag for an answer's bytes."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match, tag):
    """Whether an If-None-Match header names ``tag`` (RFC 9110 13.1.2: weak
    comparison, so a W/ prefix is ignored; ``*`` matches any current answer)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False
