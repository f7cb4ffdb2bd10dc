"""Tenant isolation and report access against a model: random lifecycles and report
calls by several users of three tenants, with valid and forged tokens, checked after
every step (matrix rows T3, T4, T9, T10, T17; issue 12: owners, private reports,
editors, transfers).

JQLR_EXAMPLES sets the number of generated sequences (default 200; 2000 for a long run).
"""

import collections
import contextlib
import dataclasses
import json
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
    precondition,
    rule,
    run_state_machine_as_test,
)

import addon
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
# The users of every site (account ids are Atlassian-wide, so the same three are on
# each); None is a token that names nobody: it reads like anyone and writes nothing.
USERS = (USER, "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077",
         "5b109f2e9729b51b54dc274d")
CALLERS = USERS + (None,)
OUTSIDER = "5d53f3cbc6b9320d9ea5bdc2"  # an editor who never calls
ACCESS = ("owner", "visibility", "editors")
FLAGS = ("canEdit", "canDelete", "canShare")

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
callers = st.sampled_from(CALLERS)
visibilities = st.sampled_from(("site", "private"))
editor_lists = st.one_of(st.just("site"), st.lists(
    st.sampled_from(USERS + (OUTSIDER,)), unique=True, max_size=3).map(sorted))
# What a PUT says of access: nothing, the current values, or one change.
access_changes = st.sampled_from(("none", "same", "visibility", "editors", "owner"))


@dataclasses.dataclass
class Site:
    """What the model knows of one tenant."""

    key: str
    secret: str | None = None
    old_secrets: list = dataclasses.field(default_factory=list)
    status: str | None = None  # None: never installed
    reports: dict = dataclasses.field(default_factory=dict)  # id -> wire report


# The access rules of issue 12, as the model holds them (``user`` None: nobody).
def may_view(r, user):
    return r["owner"] is None or r["visibility"] == "site" or r["owner"] == user


def may_edit(r, user):
    if user is None:
        return False
    editors = r["editors"]
    return r["owner"] in (None, user) or (
        r["visibility"] == "site" and (editors == "site" or user in editors))


def may_delete(r, user):
    return user is not None and r["owner"] in (None, user)


def may_share(r, user):
    return user is not None and r["owner"] == user


def flags(r, user):
    """The can* flags the server should give ``user`` for report ``r``."""
    return dict(zip(FLAGS, (may_edit(r, user), may_delete(r, user),
                            may_share(r, user)), strict=True))


def reset(path):
    """Empty the database between sequences (the server keeps running)."""
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.execute("DELETE FROM reports")
        db.execute("DELETE FROM tenants")


def stored(path):
    """client_key -> (secret, status, {id: (name, version, owner, visibility,
    editors)}) as the file holds it."""
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as db:
        tenants = {k: (s, st_, {}) for k, s, st_ in db.execute(
            "SELECT client_key, shared_secret, status FROM tenants")}
        for key, rid, *row in db.execute(
                "SELECT client_key, id, name, version, owner, visibility, editors "
                "FROM reports"):
            tenants[key][2][rid] = (*row[:4], json.loads(row[4]))
    return tenants


def row_of(report):
    """What the file should hold of a report the model knows."""
    return (report["name"], report["version"], report["owner"], report["visibility"],
            report["editors"])


def assert_same_config(wire, payload):
    """The stored report says what the tenant sent, with defaults filled in."""
    for key in REPORT_KEYS:
        assert wire[key] == payload.get(key, DEFAULTS.get(key)), key


def summary(report, user):
    """A report cut down to what GET /api/reports lists to ``user``."""
    keys = ("id", "name", "description", "updatedAt", "updatedBy", "version", "owner",
            "visibility")
    return {k: report[k] for k in keys} | flags(report, user)


def without_flags(wire):
    return {k: v for k, v in wire.items() if k not in FLAGS}


class TenantIsolation(RuleBasedStateMachine):
    """Random lifecycle and report sequences by several users of three tenants."""

    def __init__(self, server, figures):
        super().__init__()
        self.server, self.figures = server, figures
        reset(server.db)
        self.sites = {key: Site(key) for key in TENANTS}
        self.owner = {}  # every report id ever created -> tenant (deleted ones stay)
        figures["examples"] += 1

    # -- sending --------------------------------------------------------------------

    def token(self, site, kind, method, path, lifecycle=False, user=USER):
        """A token of the given kind for a call made as ``user`` of ``site``.

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
        claims = {"iss": site.key, "iat": now, "exp": now + 180,
                  "qsh": wrong if kind == "wrong-class" else right}
        return hs256(claims | ({} if user is None else {"sub": user}), secret)

    def send(self, site, kind, method, path, body=None, token=None, user=USER):
        """Call the API; a refused call must leave the database as it was."""
        before = db_snapshot(self.server.db)
        if token is None:
            token = self.token(site, kind, method, path, user=user)
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

    def answer(self, site, rid, resp, ok_status, user, allowed=None):
        """Whether the call on ``rid`` went through; checks the refusal otherwise.

        404 when the report is not this site's or ``user`` may not see it; 403 when
        ``allowed`` (the rule for this change) says no.
        """
        mine = site.reports.get(rid)
        if mine is None or not may_view(mine, user):
            if user is None and allowed is not None:
                assert_error(resp, 403)  # a token naming nobody writes nothing
                return False
            assert_error(resp, 404)
            elsewhere = self.owner.get(rid, site.key) != site.key
            self.figures["cross-tenant 404"] += elsewhere
            self.figures["private 404"] += mine is not None
            return False
        if allowed is not None and not allowed(mine, user):
            assert_error(resp, 403)
            self.figures["forbidden 403"] += 1
            return False
        assert resp.status == ok_status, resp.body
        return True

    def pick_id(self, data, site):
        """Mostly a live report of the site (someone's), else another site's, else
        any id seen or a new one."""
        # Creation order, not id order: ids are random, a replay must pick alike.
        pools = [list(site.reports), list(site.reports),
                 [i for s in self.sites.values() if s is not site for i in s.reports],
                 [*self.owner, uuid.uuid4().hex]]
        pool = data.draw(st.sampled_from([p for p in pools if p]))
        return data.draw(st.sampled_from(pool))

    # -- lifecycle --------------------------------------------------------------------

    @initialize(keys=st.sets(sites, min_size=1), report=reports, seeds=st.lists(
        st.tuples(st.sampled_from(USERS), visibilities, editor_lists), min_size=3,
        max_size=5))
    def install_some(self, keys, report, seeds):
        for key in sorted(keys):
            self.install(key)
            for user, visibility, editors in seeds:
                self.create(key, "valid", report, user, visibility, editors)

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

    @rule(key=sites, kind=credentials, report=reports, user=callers,
          visibility=visibilities, editors=editor_lists)
    def create(self, key, kind, report, user, visibility, editors):
        site = self.sites[key]
        body = report | {"visibility": visibility, "editors": editors}
        resp = self.send(site, kind, "POST", "/api/reports", body, user=user)
        if not self.allowed(site, kind, resp):
            return
        if user is None:
            assert_error(resp, 403)
            return
        assert resp.status == 201, resp.body
        wire = resp.json()
        assert (wire["owner"], wire["visibility"], wire["editors"]) == (
            user, visibility, editors)
        self.remember(site, wire, body, user)

    def remember(self, site, wire, payload, user):
        """Keep the server's report once it says what was sent (and what ``user``
        may do with it)."""
        assert_same_config(wire, payload)
        stored = without_flags(wire)
        assert {k: wire[k] for k in FLAGS} == flags(stored, user)
        site.reports[wire["id"]] = stored
        self.owner[wire["id"]] = site.key

    def access_body(self, mine, change, data):
        """The access fields a PUT sends, and the values they ask for."""
        if mine is None or change == "none":
            return {}
        current = {k: mine[k] for k in ACCESS}
        if change == "same":
            return current
        value = data.draw({"visibility": visibilities, "editors": editor_lists,
                           "owner": st.sampled_from(USERS)}[change])
        return {change: value}

    @rule(key=sites, kind=credentials, report=reports, stale=st.booleans(),
          user=callers, change=access_changes, data=st.data())
    def update(self, key, kind, report, stale, user, change, data):
        self.put(key, kind, report, stale, user, change, data)

    # Each change by a random user with a valid token, on an installed site that
    # has reports.

    def busy_site(self, data):
        return data.draw(st.sampled_from([
            k for k, s in self.sites.items() if s.status == "installed" and s.reports]))

    def has_busy_site(self):
        return any(s.status == "installed" and s.reports for s in self.sites.values())

    @rule(report=reports, user=callers, visibility=visibilities, editors=editor_lists,
          data=st.data())
    def create_as(self, report, user, visibility, editors, data):
        live = [k for k, s in self.sites.items() if s.status == "installed"]
        if live:
            key = data.draw(st.sampled_from(live))
            self.create(key, "valid", report, user, visibility, editors)

    @precondition(has_busy_site)
    @rule(report=reports, user=callers, data=st.data())
    def edit(self, report, user, data):
        self.put(self.busy_site(data), "valid", report, False, user, "none", data)

    @precondition(has_busy_site)
    @rule(report=reports, user=callers,
          change=st.sampled_from(("same", "visibility", "editors")), data=st.data())
    def change_access(self, report, user, change, data):
        self.put(self.busy_site(data), "valid", report, False, user, change, data)

    @precondition(has_busy_site)
    @rule(report=reports, user=callers, data=st.data())
    def transfer(self, report, user, data):
        self.put(self.busy_site(data), "valid", report, False, user, "owner", data)

    @precondition(has_busy_site)
    @rule(user=callers, data=st.data())
    def delete_as(self, user, data):
        self.delete(self.busy_site(data), "valid", user, data)

    def put(self, key, kind, report, stale, user, change, data):
        """PUT a report as ``user`` (often its owner) and check the answer the model
        predicts."""
        site = self.sites[key]
        rid = self.pick_id(data, site)
        mine = site.reports.get(rid)
        if mine and mine["owner"] and data.draw(st.booleans()):
            user = mine["owner"]
        sent = self.access_body(mine, change, data)
        version = (mine["version"] if mine else 1) - stale
        resp = self.send(site, kind, "PUT", f"/api/reports/{rid}",
                         report | sent | {"version": version}, user=user)
        if not self.allowed(site, kind, resp):
            return
        asks_share = any(sent[k] != mine[k] for k in sent) if mine else False
        if mine and stale and may_view(mine, user) and may_edit(mine, user):
            if not asks_share or may_share(mine, user):
                return self.stale(resp, mine, user)
            # Stale and not the owner's to share: either refusal is right.
            assert resp.status in (403, 409), resp.body
            assert_error(resp, resp.status)
            return
        def permitted(r, u):
            return may_edit(r, u) and (not asks_share or may_share(r, u))

        if self.answer(site, rid, resp, 200, user, permitted):
            wire = resp.json()
            assert wire["version"] == mine["version"] + 1
            expected = {k: sent.get(k, mine[k]) for k in ACCESS}
            assert {k: wire[k] for k in ACCESS} == expected
            self.figures["transfers"] += expected["owner"] != mine["owner"]
            self.remember(site, wire, report, user)

    def stale(self, resp, mine, user):
        current = assert_error(resp, 409)["current"]
        assert without_flags(current) == mine
        assert {k: current[k] for k in FLAGS if k in current} in ({}, flags(mine, user))

    @rule(key=sites, kind=credentials, user=callers, data=st.data())
    def delete(self, key, kind, user, data):
        site = self.sites[key]
        rid = self.pick_id(data, site)
        resp = self.send(site, kind, "DELETE", f"/api/reports/{rid}", user=user)
        if self.allowed(site, kind, resp) and self.answer(site, rid, resp, 204, user,
                                                          may_delete):
            del site.reports[rid]

    @rule(key=sites, kind=credentials, user=callers, data=st.data())
    def get(self, key, kind, user, data):
        site = self.sites[key]
        rid = self.pick_id(data, site)
        resp = self.send(site, kind, "GET", f"/api/reports/{rid}", user=user)
        if self.allowed(site, kind, resp) and self.answer(site, rid, resp, 200, user):
            mine = site.reports[rid]
            assert resp.json() == mine | flags(mine, user)

    @rule(key=sites, kind=credentials, user=callers)
    def export(self, key, kind, user):
        site = self.sites[key]
        resp = self.send(site, kind, "GET", "/api/export", user=user)
        if self.allowed(site, kind, resp):
            exported = {r["id"]: r for r in resp.json()["reports"]}
            assert exported == {i: r for i, r in site.reports.items()
                                if may_view(r, user)}

    @rule(key=sites, kind=credentials, user=callers, batch=st.lists(
        st.tuples(reports, visibilities, editor_lists, st.sampled_from(USERS)),
        max_size=3))
    def import_reports(self, key, kind, user, batch):
        site = self.sites[key]
        entries = [r | {"visibility": v, "editors": e, "owner": o}
                   for r, v, e, o in batch]
        document = {"format": "jql-reports", "version": 3, "reports": entries}
        resp = self.send(site, kind, "POST", "/api/import", document, user=user)
        if not self.allowed(site, kind, resp):
            return
        if user is None:
            assert_error(resp, 403)
            return
        assert resp.status == 201, resp.body
        ids = resp.json()["ids"]
        assert len(ids) == len(batch)
        for rid, entry in zip(ids, entries, strict=True):
            got = self.send(site, "valid", "GET", f"/api/reports/{rid}", user=user)
            wire = got.json()
            assert (wire["owner"], wire["visibility"], wire["editors"]) == (
                user, entry["visibility"], entry["editors"])
            self.remember(site, wire, entry, user)

    @rule(key=sites, batch=st.lists(st.tuples(reports, st.booleans()), min_size=1,
                                    max_size=2))
    def operator_import(self, key, batch):
        """The CLI's import: the document's owner is kept, or the report has none."""
        site = self.sites[key]
        if site.status is None:
            return  # no such tenant: the CLI refuses (test_cli)
        entries = [r | ({"owner": USERS[1], "visibility": "private"} if owned else {})
                   for r, owned in batch]
        path = os.path.join(os.path.dirname(self.server.db), "operator-import.json")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"format": "jql-reports", "version": 3, "reports": entries}, fh)
        before = set(stored(self.server.db)[key][2])
        assert addon.main(["--db", self.server.db, "import", "--client-key", key,
                           path]) == 0
        new = set(stored(self.server.db)[key][2]) - before
        self.figures["requests"] += 1
        document = addon_export(self.server.db, key)
        got = sorted(((document[i]["name"], document[i]["owner"],
                       document[i]["visibility"]) for i in new), key=repr)
        assert got == sorted(((e["name"], e.get("owner"), e.get("visibility", "site"))
                              for e in entries), key=repr)  # repr: owners may be None
        for rid in sorted(new, key=lambda i: document[i]["name"]):
            site.reports[rid] = document[rid]
            self.owner[rid] = key
        self.figures["unowned"] += sum(document[i]["owner"] is None for i in new)

    # -- what must hold after every step ----------------------------------------------

    @invariant()
    def file_matches_model(self):
        expected = {
            s.key: (s.secret, s.status,
                    {i: row_of(r) for i, r in s.reports.items()})
            for s in self.sites.values() if s.status
        }
        assert stored(self.server.db) == expected

    @invariant()
    def each_user_lists_exactly_what_they_may_see(self):
        for site in self.sites.values():
            if site.status is None:
                continue  # never installed: nothing stored (file_matches_model)
            ordered = sorted(site.reports.values(),
                             key=lambda r: (r["name"].translate(FOLD), r["id"]))
            for user in CALLERS:
                resp = self.send(site, "valid", "GET", "/api/reports", user=user)
                if not self.allowed(site, "valid", resp):
                    break
                assert resp.json()["reports"] == [
                    summary(r, user) for r in ordered if may_view(r, user)]


def addon_export(path, key):
    """The operator's export of a site, by report id."""
    with contextlib.closing(addon.connect(path)) as db:
        return {r["id"]: addon.report_json(r) for r in addon.select_full_reports(db, key)}


def test_users_only_ever_see_and_change_what_they_may(server):
    figures = collections.Counter()
    run_state_machine_as_test(
        lambda: TenantIsolation(server, figures),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=12, deadline=None,
                          database=None, suppress_health_check=list(HealthCheck)),
    )
    print(f"\nisolation model: {figures['examples']} examples, "
          f"{figures['requests']} requests, {figures['refused']} forged or stale "
          f"tokens refused, {figures['cross-tenant 404']} cross-tenant ids refused, "
          f"{figures['private 404']} private reports hidden, "
          f"{figures['forbidden 403']} changes forbidden, {figures['transfers']} transfers, {figures['unowned']} "
          "reports nobody owns")
    assert figures["examples"] >= EXAMPLES
    assert figures["refused"] > 0 and figures["cross-tenant 404"] > 0
    assert figures["private 404"] > 0 and figures["forbidden 403"] > 0
    assert figures["transfers"] > 0 and figures["unowned"] > 0
