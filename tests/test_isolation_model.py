"""Tenant isolation against a model: random lifecycles and report calls over three
tenants, with valid and forged tokens, checked after every step (matrix rows T3, T4,
T9, T10, T17).

JQLR_EXAMPLES sets the number of generated sequences (default 200; 2000 for a long run).
"""

import collections
import contextlib
import dataclasses
import os
import secrets
import sqlite3
import string
import time
import uuid

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import (
    USER,
    api,
    assert_error,
    db_snapshot,
    hs256,
    install,
    install_body,
    install_claims,
    qsh,
    sign_install,
    uninstall,
)

EXAMPLES = int(os.environ.get("JQLR_EXAMPLES", "200"))
TENANTS = ("iso-a", "iso-b", "iso-c")
# valid: what the tenant's browser holds now; the rest must never be accepted.
CREDENTIALS = ("valid",) * 6 + ("old-secret", "other-secret", "wrong-class",
               "expired", "no-token", "garbage")
DEFAULTS = {"description": "", "sort": [], "groupBy": [], "filters": [],
            "aggregations": []}
REPORT_KEYS = ("name", "description", "jql", "columns") + tuple(DEFAULTS)[1:]
FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # SQLite NOCASE

fields = st.sampled_from(("key", "summary", "status", "assignee", "labels",
                          "customfield_10016", "created"))
words = st.text(st.characters(codec="utf-8"), min_size=1, max_size=24).filter(str.strip)
reports = st.fixed_dictionaries(
    {"name": words, "jql": words, "columns": st.lists(fields, min_size=1, max_size=4)},
    optional={
        "description": st.text(st.characters(codec="utf-8"), max_size=40),
        "sort": st.lists(st.fixed_dictionaries(
            {"field": fields, "direction": st.sampled_from(("asc", "desc"))}),
            max_size=2),
        "groupBy": st.lists(fields, max_size=3),
        "filters": st.lists(st.fixed_dictionaries(
            {"field": fields, "values": st.lists(words, max_size=2)}), max_size=2),
        "aggregations": st.lists(st.fixed_dictionaries(
            {"field": fields, "function": st.sampled_from(("count", "sum", "max"))}),
            max_size=2),
    },
)
sites = st.sampled_from(TENANTS)
credentials = st.sampled_from(CREDENTIALS)


@dataclasses.dataclass
class Site:
    """What the model knows of one tenant."""

    key: str
    secret: str | None = None
    old_secrets: list = dataclasses.field(default_factory=list)
    status: str | None = None  # None: never installed
    reports: dict = dataclasses.field(default_factory=dict)  # id -> wire report


def reset(path):
    """Empty the database between sequences (the server keeps running)."""
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.execute("DELETE FROM reports")
        db.execute("DELETE FROM tenants")


def stored(path):
    """client_key -> (secret, status, {id: (name, version)}) as the file holds it."""
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as db:
        tenants = {k: (s, st_, {}) for k, s, st_ in db.execute(
            "SELECT client_key, shared_secret, status FROM tenants")}
        for key, rid, name, version in db.execute(
                "SELECT client_key, id, name, version FROM reports"):
            tenants[key][2][rid] = (name, version)
    return tenants


def assert_same_config(wire, payload):
    """The stored report says what the tenant sent, with defaults filled in."""
    for key in REPORT_KEYS:
        assert wire[key] == payload.get(key, DEFAULTS.get(key)), key
    assert wire["createdBy"] == USER


def summary(report):
    """A full report cut down to what GET /api/reports lists."""
    keys = ("id", "name", "description", "updatedAt", "updatedBy", "version")
    return {k: report[k] for k in keys}


class TenantIsolation(RuleBasedStateMachine):
    """Random lifecycle and report sequences over three tenants."""

    def __init__(self, server, figures):
        super().__init__()
        self.server, self.figures = server, figures
        reset(server.db)
        self.sites = {key: Site(key) for key in TENANTS}
        self.owner = {}  # every report id ever created -> tenant (deleted ones stay)
        figures["examples"] += 1

    # -- sending --------------------------------------------------------------------

    def token(self, site, kind, method, path, lifecycle=False):
        """A token of the given kind for a call made as ``site``.

        The right qsh class is the literal context-qsh on the API and a computed hash
        on lifecycle routes; "wrong-class" swaps them.
        """
        if kind in ("no-token", "garbage"):
            return None if kind == "no-token" else "not.a.token"
        fresh = secrets.token_hex(32)
        others = [s.secret for s in self.sites.values() if s.secret and s is not site]
        secret = {"old-secret": (site.old_secrets or [fresh])[-1],
                  "other-secret": (others or [fresh])[0]}.get(
                      kind, site.secret or fresh)
        right, wrong = "context-qsh", qsh(method, path)
        if lifecycle:
            right, wrong = wrong, right
        now = int(time.time()) - (900 if kind == "expired" else 0)
        claims = {"iss": site.key, "sub": USER, "iat": now, "exp": now + 180,
                  "qsh": wrong if kind == "wrong-class" else right}
        return hs256(claims, secret)

    def send(self, site, kind, method, path, body=None, token=None):
        """Call the API; a refused call must leave the database as it was."""
        before = db_snapshot(self.server.db)
        if token is None:
            token = self.token(site, kind, method, path)
        args = {} if body is None else {"json": body}
        resp = api(self.server, method, path, token, **args)
        self.figures["requests"] += 1
        assert resp.status < 500, resp.body
        if resp.status >= 400:
            assert_error(resp, resp.status)
            assert db_snapshot(self.server.db) == before
        return resp

    def allowed(self, site, kind, resp):
        """True when the call should have been served; checks the 401 otherwise."""
        if kind == "valid" and site.status == "installed":
            return True
        assert_error(resp, 401)
        self.figures["refused"] += kind != "valid"
        return False

    def answer(self, site, rid, resp, ok_status):
        """Whether ``rid`` is the caller's own report; checks the 404 otherwise."""
        if rid in site.reports:
            assert resp.status == ok_status, resp.body
            return True
        assert_error(resp, 404)
        self.figures["cross-tenant 404"] += self.owner.get(rid, site.key) != site.key
        return False

    def pick_id(self, data, site):
        """Mostly another tenant's live report; else any id seen, or a new one."""
        # Creation order, not id order: ids are random, a replay must pick alike.
        theirs = [i for s in self.sites.values() if s is not site for i in s.reports]
        anything = [*self.owner, uuid.uuid4().hex]
        return data.draw(st.sampled_from(theirs) if theirs and data.draw(st.booleans())
                         else st.sampled_from(anything))

    # -- lifecycle --------------------------------------------------------------------

    @initialize(keys=st.sets(sites, min_size=1), report=reports)
    def install_some(self, keys, report):
        for key in sorted(keys):
            self.install(key)
            self.create(key, "valid", report)

    @rule(key=sites)
    def install(self, key):
        site, secret = self.sites[key], secrets.token_hex(32)
        assert install(self.server, key, secret).status == 204
        self.figures["requests"] += 1
        if site.secret:
            site.old_secrets.append(site.secret)
        site.secret, site.status = secret, "installed"

    @rule(key=sites, victim=sites, how=st.sampled_from(("hs256", "other-iss")))
    def forged_install(self, key, victim, how):
        claims = install_claims(key)
        token = (hs256(claims, secrets.token_hex(32)) if how == "hs256"
                 else sign_install("install-key-1", claims))
        target = victim if how == "other-iss" else key
        body = install_body(target, secrets.token_hex(32))
        if how == "other-iss" and victim == key:
            body["clientKey"] = victim + "-x"
        resp = self.send(self.sites[key], "", "POST", "/installed", body, token)
        assert_error(resp, 401)

    @rule(key=sites)
    def uninstall(self, key):
        assert uninstall(self.server, key).status == 204
        self.figures["requests"] += 1
        site = self.sites[key]
        if site.status:
            site.status = "uninstalled"

    @rule(key=sites, enable=st.booleans(), kind=credentials)
    def enable_or_disable(self, key, enable, kind):
        site, path = self.sites[key], "/enabled" if enable else "/disabled"
        token = self.token(site, kind, "POST", path, lifecycle=True)
        resp = self.send(site, kind, "POST", path, install_body(key), token)
        if kind == "valid" and site.status in ("installed", "disabled"):
            assert resp.status == 204, resp.body
            site.status = "installed" if enable else "disabled"
        else:
            assert_error(resp, 401)

    # -- reports ----------------------------------------------------------------------

    @rule(key=sites, kind=credentials, report=reports)
    def create(self, key, kind, report):
        site = self.sites[key]
        resp = self.send(site, kind, "POST", "/api/reports", report)
        if self.allowed(site, kind, resp):
            assert resp.status == 201, resp.body
            self.remember(site, resp.json(), report)

    def remember(self, site, wire, payload):
        assert_same_config(wire, payload)
        site.reports[wire["id"]] = wire
        self.owner[wire["id"]] = site.key

    @rule(key=sites, kind=credentials, report=reports, stale=st.booleans(),
          data=st.data())
    def update(self, key, kind, report, stale, data):
        site = self.sites[key]
        rid = self.pick_id(data, site)
        mine = site.reports.get(rid)
        version = (mine["version"] if mine else 1) - stale
        resp = self.send(site, kind, "PUT", f"/api/reports/{rid}",
                         report | {"version": version})
        if not self.allowed(site, kind, resp):
            return
        if stale and mine:
            assert assert_error(resp, 409)["current"] == mine
        elif self.answer(site, rid, resp, 200):
            wire = resp.json()
            assert wire["version"] == mine["version"] + 1
            self.remember(site, wire, report)

    @rule(key=sites, kind=credentials, data=st.data())
    def delete(self, key, kind, data):
        site = self.sites[key]
        rid = self.pick_id(data, site)
        resp = self.send(site, kind, "DELETE", f"/api/reports/{rid}")
        if self.allowed(site, kind, resp) and self.answer(site, rid, resp, 204):
            del site.reports[rid]

    @rule(key=sites, kind=credentials, data=st.data())
    def get(self, key, kind, data):
        site = self.sites[key]
        rid = self.pick_id(data, site)
        resp = self.send(site, kind, "GET", f"/api/reports/{rid}")
        if self.allowed(site, kind, resp) and self.answer(site, rid, resp, 200):
            assert resp.json() == site.reports[rid]

    @rule(key=sites, kind=credentials)
    def export(self, key, kind):
        site = self.sites[key]
        resp = self.send(site, kind, "GET", "/api/export")
        if self.allowed(site, kind, resp):
            exported = {r["id"]: r for r in resp.json()["reports"]}
            assert exported == site.reports

    @rule(key=sites, kind=credentials, batch=st.lists(reports, max_size=3))
    def import_reports(self, key, kind, batch):
        site = self.sites[key]
        document = {"format": "jql-reports", "version": 1, "reports": batch}
        resp = self.send(site, kind, "POST", "/api/import", document)
        if not self.allowed(site, kind, resp):
            return
        assert resp.status == 201, resp.body
        ids = resp.json()["ids"]
        assert len(ids) == len(batch)
        for rid, payload in zip(ids, batch, strict=True):
            got = self.send(site, "valid", "GET", f"/api/reports/{rid}")
            self.remember(site, got.json(), payload)

    # -- what must hold after every step ----------------------------------------------

    @invariant()
    def file_matches_model(self):
        expected = {
            s.key: (s.secret, s.status,
                    {i: (r["name"], r["version"]) for i, r in s.reports.items()})
            for s in self.sites.values() if s.status
        }
        assert stored(self.server.db) == expected

    @invariant()
    def each_tenant_lists_exactly_its_own(self):
        for site in self.sites.values():
            if site.status is None:
                continue  # never installed: nothing stored (file_matches_model)
            resp = self.send(site, "valid", "GET", "/api/reports")
            if not self.allowed(site, "valid", resp):
                continue
            mine = sorted(site.reports.values(),
                          key=lambda r: (r["name"].translate(FOLD), r["id"]))
            assert resp.json()["reports"] == [summary(r) for r in mine]


def test_tenants_only_ever_see_their_own_reports(server):
    figures = collections.Counter()
    run_state_machine_as_test(
        lambda: TenantIsolation(server, figures),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=12, deadline=None,
                          database=None, suppress_health_check=list(HealthCheck)),
    )
    print(f"\nisolation model: {figures['examples']} examples, "
          f"{figures['requests']} requests, {figures['refused']} forged or stale "
          f"tokens refused, {figures['cross-tenant 404']} cross-tenant ids refused")
    assert figures["examples"] >= EXAMPLES
    assert figures["refused"] > 0 and figures["cross-tenant 404"] > 0
