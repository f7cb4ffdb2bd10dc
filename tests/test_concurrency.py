"""Many clients at once against `python addon.py serve` (matrix row T18): no 5xx, no
"database is locked", every acknowledged write stored, one winner per version."""

import collections
import random
import threading
from concurrent.futures import ThreadPoolExecutor

from tests.conftest import REPORT, api, assert_error, context_token, install
from tests.test_durability import serve  # noqa: F401  (the subprocess fixture)

CLIENTS = 16
CALLS = 30  # per client
SITES = tuple((f"busy-{n}", f"{n:02d}" * 32) for n in range(4))


class Client:
    """One browser's mixed calls as one tenant; remembers what was acknowledged."""

    OPS = ("create", "update", "delete", "read", "list", "export")
    WEIGHTS = (30, 20, 10, 15, 15, 10)

    def __init__(self, server, site, seed):
        self.server, (self.key, self.secret) = server, site
        self.rng = random.Random(seed)
        self.mine, self.gone, self.seen = {}, set(), set()
        self.statuses = collections.Counter()

    def run(self):
        """Make CALLS calls; returns self."""
        for _ in range(CALLS):
            getattr(self, self.rng.choices(self.OPS, self.WEIGHTS)[0])()
        return self

    def call(self, method, path, expect, **body):
        token = context_token(self.key, self.secret)
        resp = api(self.server, method, path, token, **body)
        self.statuses[resp.status] += 1
        assert b"locked" not in resp.body
        assert resp.status == expect, resp.body
        return resp

    def create(self):
        body = REPORT | {"name": f"{self.key} {self.rng.random()}"}
        report = self.call("POST", "/api/reports", 201, json=body).json()
        self.mine[report["id"]] = report

    def update(self):
        if not self.mine:
            return self.create()
        old = self.mine[self.rng.choice(sorted(self.mine))]
        body = REPORT | {"name": f"{old['name']}+", "version": old["version"]}
        self.mine[old["id"]] = self.call(
            "PUT", f"/api/reports/{old['id']}", 200, json=body).json()

    def delete(self):
        if self.mine:
            rid = self.rng.choice(sorted(self.mine))
            self.call("DELETE", f"/api/reports/{rid}", 204)
            self.gone.add(self.mine.pop(rid)["id"])

    def read(self):
        if self.mine:
            rid = self.rng.choice(sorted(self.mine))
            assert self.call("GET", f"/api/reports/{rid}", 200).json() == self.mine[rid]

    def list(self):
        self.seen |= {r["id"] for r in self.call("GET", "/api/reports", 200).json()[
            "reports"]}

    def export(self):
        self.seen |= {r["id"] for r in self.call("GET", "/api/export", 200).json()[
            "reports"]}


def stored(server, key, secret):
    """id -> report of one tenant, read over the API."""
    resp = api(server, "GET", "/api/export", context_token(key, secret))
    assert resp.status == 200, resp.body
    return {r["id"]: r for r in resp.json()["reports"]}


def assert_exactly_acknowledged(server, clients):
    """Each tenant holds exactly its clients' acknowledged reports; lists showed only
    the tenant's own ids."""
    for key, secret in SITES:
        own = [c for c in clients if c.key == key]
        # The export is the stored form: no per-caller can* flags.
        expected = {rid: {k: v for k, v in r.items() if not k.startswith("can")}
                    for c in own for rid, r in c.mine.items()}
        assert stored(server, key, secret) == expected
        ever = set().union(*(c.mine.keys() | c.gone for c in own))
        assert set().union(*(c.seen for c in own)) <= ever


def test_sixteen_clients_mixed_load_loses_nothing(serve):  # noqa: F811
    server = serve.start()
    for key, secret in SITES:
        assert install(server, key, secret).status == 204
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = list(pool.map(
            lambda n: Client(server, SITES[n % len(SITES)], n).run(), range(CLIENTS)))
    assert_exactly_acknowledged(server, clients)
    serve.stop()
    assert_exactly_acknowledged(serve.start(), clients)  # and after a restart
    log = serve.log_text()
    for trouble in ("locked", "database error", "Traceback"):
        assert trouble not in log
    statuses = sum((c.statuses for c in clients), collections.Counter())
    assert not [s for s in statuses if s >= 500]
    print(f"\nconcurrency: {CLIENTS} clients, {statuses.total()} requests "
          f"({dict(sorted(statuses.items()))}): no 5xx, nothing locked")


def save_all_at_once(server, key, secret, rid, version):
    """CLIENTS PUTs of the same version released together; returns the responses."""
    start = threading.Barrier(CLIENTS)

    def save(n):
        token = context_token(key, secret)
        start.wait(10)
        return api(server, "PUT", f"/api/reports/{rid}", token,
                   json=REPORT | {"name": f"saved by {n}", "version": version})

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(save, range(CLIENTS)))


def test_concurrent_saves_of_one_version_have_exactly_one_winner(serve):  # noqa: F811
    server = serve.start()
    (key, secret), rounds = SITES[0], 5
    assert install(server, key, secret).status == 204
    rid = api(server, "POST", "/api/reports", context_token(key, secret),
              json=REPORT).json()["id"]
    for version in range(1, rounds + 1):
        resps = save_all_at_once(server, key, secret, rid, version)
        winners = [r for r in resps if r.status == 200]
        assert len(winners) == 1, collections.Counter(r.status for r in resps)
        assert winners[0].json()["version"] == version + 1
        for resp in resps:
            if resp is not winners[0]:
                assert assert_error(resp, 409)["current"] == winners[0].json()
    print(f"\nsame-version saves: {rounds} rounds of {CLIENTS} concurrent PUTs, "
          f"exactly one winner each, {rounds * (CLIENTS - 1)} answered 409")
