"""Who may see and change a report (issue 12): the negative matrix of every report
route for the owner, an editor, a viewer, a user of another site and a Jira admin
(on these routes just a user), on site-wide and private reports, under Connect
context tokens and Forge Invocation Tokens."""

import contextlib
import json
import os
import sqlite3
import time
import uuid

import pytest

import addon
from tests.conftest import (
    REPORT,
    SECRET_A,
    SECRET_B,
    A,
    B,
    FakeJira,
    api,
    assert_error,
    context_token,
    db_snapshot,
    hs256,
    install,
    serving,
    store_tenant,
)
from tests.test_forge_auth import APP_ID, CLOUD, DROP, KID, bearer, fit, forge_key

OWNER = "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"
EDITOR = "5b10ac8d82e05b22cc7d4ef5"
VIEWER = "5b109f2e9729b51b54dc274d"
ADMIN = "712020:5f2b6c1e-8d4a-4c1e-9a57-0c2e4f6b7a0a"
STRANGER = "5d53f3cbc6b9320d9ea5bdc2"
OTHER_CLOUD = "0e5d7d4c-1b7a-4c55-9d2f-5a4f3b2c1d0e"
SUMMARY = {"id", "name", "description", "updatedAt", "updatedBy", "version", "owner",
           "visibility", "canEdit", "canDelete", "canShare"}
ACCESS = ("owner", "visibility", "editors")
VISIBILITIES = ("site", "private")
# role -> (site, user): "other" is a user of another site; "owner elsewhere" is the
# owner's own account id on another site (account ids are Atlassian-wide).
CONNECT_ROLES = {"owner": (A, OWNER), "editor": (A, EDITOR), "viewer": (A, VIEWER),
                 "admin": (A, ADMIN), "other": (B, STRANGER),
                 "owner elsewhere": (B, OWNER)}
FORGE_ROLES = {"owner": (CLOUD, OWNER), "editor": (CLOUD, EDITOR),
               "viewer": (CLOUD, VIEWER), "other": (OTHER_CLOUD, STRANGER),
               "owner elsewhere": (OTHER_CLOUD, OWNER)}
SECRETS = {A: SECRET_A, B: SECRET_B}

# What the spec answers, per action and role: (on a site report, on a private one).
HIDDEN = {"other": (404, 404), "owner elsewhere": (404, 404)}
SHARE = {"owner": (200, 200), "editor": (403, 404), "viewer": (403, 404),
         "admin": (403, 404)} | HIDDEN
EXPECTED = {
    "show": {"owner": (200, 200), "editor": (200, 404), "viewer": (200, 404),
             "admin": (200, 404)} | HIDDEN,
    "edit": {"owner": (200, 200), "editor": (200, 404), "viewer": (403, 404),
             "admin": (403, 404)} | HIDDEN,
    "change visibility": SHARE,
    "change editors": SHARE,
    "transfer": SHARE,
    "delete": {"owner": (204, 204), "editor": (403, 404), "viewer": (403, 404),
               "admin": (403, 404)} | HIDDEN,
}
# The caller's can* flags on a report it may see: (canEdit, canDelete, canShare).
FLAGS = {"owner": (True, True, True), "editor": (True, False, False),
         "viewer": (False, False, False), "admin": (False, False, False)}


def flipped(visibility):
    return "private" if visibility == "site" else "site"


def changes(action, report):
    """The PUT body of an action on ``report`` (None: not a PUT)."""
    body = {"version": report["version"], **{k: report[k] for k in REPORT}}
    return {
        "edit": body | {"name": "Renamed"},
        "change visibility": body | {"visibility": flipped(report["visibility"])},
        "change editors": body | {"editors": [VIEWER]},
        "transfer": body | {"owner": VIEWER},
    }.get(action)


####################################################################################
# Sites and callers
####################################################################################


@pytest.fixture
def jira():
    """Site A's Jira: ADMIN is a Jira administrator there."""
    with serving(FakeJira(SECRET_A, grants={ADMIN: {"ADMINISTER"}})) as fake:
        yield fake


@pytest.fixture
def config(config):
    """Forge enabled too, with the test key given in the config (no JWKS fetch)."""
    return config | {"addon.forge_app_id": APP_ID, "addon.forge_jwks_url": None,
                     "addon.forge_keys": {KID: forge_key(KID).public_key()}}


@pytest.fixture
def sites(server, jira):
    """Site A (its Jira on loopback) and site B installed on one server."""
    store_tenant(server, A, SECRET_A, jira.url)
    assert install(server, B, SECRET_B).status == 204
    return server


@pytest.fixture
def forge_sites(server):
    """Both Forge sites seen once (a Forge tenant is stored on its first valid FIT)."""
    for role in ("owner", "other"):
        assert forge_call(server, role)("GET", "/api/reports").status == 200
    return server


def connect_call(server, role, sub=None):
    """A function sending requests as ``role`` with a Connect context token."""
    key, user = CONNECT_ROLES[role]

    def call(method, path, body=None):
        token = context_token(key, SECRETS[key], sub or user)
        return api(server, method, path, token, **json_kw(body))

    return call


def json_kw(body):
    """api()'s keyword for an optional JSON body."""
    return {} if body is None else {"json": body}


def forge_call(server, role):
    """A function sending requests as ``role`` with a fresh FIT per call."""
    cloud, user = FORGE_ROLES[role]

    def call(method, path, body=None):
        token = fit(principal=user, context__cloudId=cloud)
        return bearer(server, method, path, token, **json_kw(body))

    return call


def made(call, visibility, editors=(EDITOR,), **extra):
    """A report created through ``call`` with this access; returns its JSON."""
    editors = editors if isinstance(editors, str) else list(editors)
    body = REPORT | {"visibility": visibility, "editors": editors} | extra
    resp = call("POST", "/api/reports", body)
    assert resp.status == 201, resp.body
    return resp.json()


def listed(call, path="/api/reports"):
    """Ids in the caller's list (or export)."""
    resp = call("GET", path)
    assert resp.status == 200, resp.body
    return {r["id"] for r in resp.json()["reports"]}


def act(call, action, report):
    """Send one action on ``report``; returns the Response."""
    path = f"/api/reports/{report['id']}"
    if action == "show":
        return call("GET", path)
    if action == "delete":
        return call("DELETE", path)
    return call("PUT", path, changes(action, report))


def check_answer(server, call, action, report, resp, expected, role):
    """A refusal is the JSON error and changes nothing; a success did what it said."""
    if expected >= 400:
        assert_error(resp, expected)
        return
    assert resp.status == expected, resp.body
    if action == "delete":
        assert report["id"] not in listed(call)
        return
    got = resp.json()
    want = changes(action, report) or {}
    assert {k: got[k] for k in want if k != "version"} == {
        k: v for k, v in want.items() if k != "version"}
    if action == "show":
        assert (got["canEdit"], got["canDelete"], got["canShare"]) == FLAGS[role]


MATRIX = [(action, role, vis) for action, roles in EXPECTED.items()
          for role in roles for vis in VISIBILITIES]


def run_case(server, owner_call, call, action, role, visibility, expected):
    report = made(owner_call, visibility)
    before = db_snapshot(server.db)
    resp = act(call, action, report)
    check_answer(server, call, action, report, resp, expected, role)
    if resp.status >= 400:
        assert db_snapshot(server.db) == before
    elif action != "show":
        assert db_snapshot(server.db) != before


####################################################################################
# The matrix: each route x role x visibility
####################################################################################


@pytest.mark.parametrize("action, role, visibility", MATRIX)
def test_connect_report_route(sites, action, role, visibility):
    expected = EXPECTED[action][role][VISIBILITIES.index(visibility)]
    run_case(sites, connect_call(sites, "owner"), connect_call(sites, role), action,
             role, visibility, expected)


FORGE_MATRIX = [(a, r, v) for a, r, v in MATRIX if r in FORGE_ROLES
                and a in ("show", "edit", "change visibility", "transfer", "delete")]


@pytest.mark.parametrize("action, role, visibility", FORGE_MATRIX)
def test_forge_report_route(forge_sites, action, role, visibility):
    expected = EXPECTED[action][role][VISIBILITIES.index(visibility)]
    run_case(forge_sites, forge_call(forge_sites, "owner"),
             forge_call(forge_sites, role), action, role, visibility, expected)


LISTINGS = [(path, role, vis) for path in ("/api/reports", "/api/export")
            for role in CONNECT_ROLES for vis in VISIBILITIES]


@pytest.mark.parametrize("path, role, visibility", LISTINGS)
def test_connect_listing_holds_exactly_the_visible_reports(sites, path, role,
                                                           visibility):
    report = made(connect_call(sites, "owner"), visibility)
    visible = EXPECTED["show"][role][VISIBILITIES.index(visibility)] == 200
    assert listed(connect_call(sites, role), path) == ({report["id"]} if visible
                                                       else set())


@pytest.mark.parametrize("role, visibility", [
    (r, v) for r in FORGE_ROLES for v in VISIBILITIES])
def test_forge_list_holds_exactly_the_visible_reports(forge_sites, role, visibility):
    report = made(forge_call(forge_sites, "owner"), visibility)
    visible = EXPECTED["show"][role][VISIBILITIES.index(visibility)] == 200
    assert listed(forge_call(forge_sites, role)) == ({report["id"]} if visible
                                                     else set())


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "admin"])
def test_list_summary_has_access_fields_and_flags(sites, role):
    report = made(connect_call(sites, "owner"), "site")
    [entry] = connect_call(sites, role)("GET", "/api/reports").json()["reports"]
    assert set(entry) == SUMMARY
    assert (entry["owner"], entry["visibility"]) == (OWNER, "site")
    assert (entry["canEdit"], entry["canDelete"], entry["canShare"]) == FLAGS[role]
    assert entry["id"] == report["id"]


@pytest.mark.parametrize("role", list(CONNECT_ROLES))
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_import_makes_every_report_the_callers(sites, role, visibility):
    made(connect_call(sites, "owner"), visibility)
    document = connect_call(sites, "owner")("GET", "/api/export").json()
    call = connect_call(sites, role)
    resp = call("POST", "/api/import", document)
    assert resp.status == 201, resp.body
    [rid] = resp.json()["ids"]
    copy = call("GET", f"/api/reports/{rid}").json()
    assert (copy["owner"], copy["visibility"], copy["editors"]) == (
        CONNECT_ROLES[role][1], visibility, [EDITOR])
    assert (copy["canEdit"], copy["canDelete"], copy["canShare"]) == (True,) * 3


####################################################################################
# Access fields on a PUT, transfers, and private reports
####################################################################################


def put(call, report, **fields):
    """PUT the report's content back with ``fields`` on top."""
    body = {"version": report["version"], **{k: report[k] for k in REPORT}} | fields
    return call("PUT", f"/api/reports/{report['id']}", body)


def access(report):
    return {k: report[k] for k in ACCESS}


@pytest.mark.parametrize("editors", [[EDITOR], [EDITOR, VIEWER], "site"])
def test_editor_may_send_the_access_fields_back_unchanged(sites, editors):
    owner, editor = connect_call(sites, "owner"), connect_call(sites, "editor")
    report = made(owner, "site", editors=editors)
    resp = put(editor, report, name="By the editor", **access(report))
    assert resp.status == 200, resp.body
    assert access(resp.json()) == access(report)
    assert (resp.json()["name"], resp.json()["updatedBy"]) == ("By the editor", EDITOR)


@pytest.mark.parametrize("field, value", [
    ("visibility", "private"), ("editors", [EDITOR, VIEWER]), ("editors", "site"),
    ("editors", []), ("owner", EDITOR)])
def test_editor_may_not_change_an_access_field(sites, field, value):
    report = made(connect_call(sites, "owner"), "site")
    before = db_snapshot(sites.db)
    resp = put(connect_call(sites, "editor"), report, **access(report) | {field: value})
    assert_error(resp, 403)
    assert db_snapshot(sites.db) == before


@pytest.mark.parametrize("role, visibility", [
    ("owner", "site"), ("owner", "private"), ("editor", "site")])
def test_omitted_access_fields_keep_their_values(sites, role, visibility):
    report = made(connect_call(sites, "owner"), visibility, editors=(EDITOR, ADMIN))
    resp = put(connect_call(sites, role), report, name="Content only")
    assert resp.status == 200, resp.body
    shown = connect_call(sites, "owner")("GET", f"/api/reports/{report['id']}").json()
    assert access(shown) == access(report) == {
        "owner": OWNER, "visibility": visibility, "editors": [EDITOR, ADMIN]}
    assert shown["name"] == "Content only"


def test_transfer_leaves_the_old_owner_no_rights_on_a_site_report(sites):
    owner, viewer = connect_call(sites, "owner"), connect_call(sites, "viewer")
    report = made(owner, "site", editors=(EDITOR,))
    moved = put(owner, report, owner=VIEWER)
    assert moved.status == 200, moved.body
    assert (moved.json()["owner"], moved.json()["canShare"]) == (VIEWER, False)
    shown = owner("GET", f"/api/reports/{report['id']}").json()
    assert (shown["canEdit"], shown["canDelete"], shown["canShare"]) == (False,) * 3
    before = db_snapshot(sites.db)
    assert_error(put(owner, shown, name="Still mine?"), 403)
    assert_error(owner("DELETE", f"/api/reports/{report['id']}"), 403)
    assert db_snapshot(sites.db) == before
    mine = viewer("GET", f"/api/reports/{report['id']}").json()
    assert (mine["canEdit"], mine["canDelete"], mine["canShare"]) == (True,) * 3


def test_transfer_of_a_private_report_hides_it_from_the_old_owner(sites):
    owner, viewer = connect_call(sites, "owner"), connect_call(sites, "viewer")
    report = made(owner, "private", editors=(EDITOR,))
    assert put(owner, report, owner=VIEWER).status == 200
    assert report["id"] not in listed(owner)
    assert_error(owner("GET", f"/api/reports/{report['id']}"), 404)
    assert report["id"] in listed(viewer)


def test_old_owner_listed_as_editor_keeps_editing_after_a_transfer(sites):
    owner = connect_call(sites, "owner")
    report = made(owner, "site", editors=(EDITOR, OWNER))
    moved = put(owner, report, owner=VIEWER).json()
    resp = put(owner, moved, name="Still editing")
    assert resp.status == 200, resp.body
    assert (resp.json()["canEdit"], resp.json()["canDelete"]) == (True, False)


def test_editors_have_no_effect_while_private_and_return_when_shared(sites):
    owner, editor = connect_call(sites, "owner"), connect_call(sites, "editor")
    report = made(owner, "private", editors=(EDITOR,))
    assert_error(put(editor, report, name="Sneaky"), 404)
    shared = put(owner, report, visibility="site")
    assert shared.json()["editors"] == [EDITOR]
    assert put(editor, shared.json(), name="Now allowed").status == 200


def test_owner_may_change_every_access_field_at_once(sites):
    owner = connect_call(sites, "owner")
    report = made(owner, "site")
    resp = put(owner, report, visibility="private", editors=[], owner=EDITOR)
    assert resp.status == 200, resp.body
    assert access(resp.json()) == {"owner": EDITOR, "visibility": "private",
                                   "editors": []}
    assert report["id"] in listed(connect_call(sites, "editor"))
    assert report["id"] not in listed(owner)


def test_stale_version_still_answers_409_for_the_owner(sites):
    owner = connect_call(sites, "owner")
    report = made(owner, "site")
    assert put(owner, report, name="First").status == 200
    before = db_snapshot(sites.db)
    body = assert_error(put(owner, report, visibility="private"), 409)
    assert body["current"]["name"] == "First"
    assert db_snapshot(sites.db) == before


####################################################################################
# A token that names no user; what a body may say at creation
####################################################################################


def nobody_connect(server, how):
    """Requests as site A with a context token whose sub is missing or empty."""
    def call(method, path, body=None):
        now = int(time.time())
        claims = {"iss": A, "iat": now, "exp": now + 180, "qsh": "context-qsh"}
        token = hs256(claims | ({} if how == "no sub" else {"sub": ""}), SECRET_A)
        return api(server, method, path, token, **json_kw(body))

    return call


def nobody_forge(server, how):
    """Requests as the Forge site with a FIT whose principal is missing or empty."""
    def call(method, path, body=None):
        token = fit(principal=DROP if how == "no sub" else "")
        return bearer(server, method, path, token, **json_kw(body))

    return call


def nobody_and_report(request, host, how, visibility):
    server = request.getfixturevalue("sites" if host == "connect" else "forge_sites")
    owner = (connect_call if host == "connect" else forge_call)(server, "owner")
    report = made(owner, visibility)
    nobody = (nobody_connect if host == "connect" else nobody_forge)(server, how)
    return server, nobody, report


@pytest.mark.parametrize("host", ["connect", "forge"])
@pytest.mark.parametrize("how", ["no sub", "empty sub"])
def test_token_without_user_reads_like_any_user(request, host, how):
    server, nobody, report = nobody_and_report(request, host, how, "site")
    hidden = made((connect_call if host == "connect" else forge_call)(server, "owner"),
                  "private")
    assert listed(nobody) == {report["id"]}
    assert listed(nobody, "/api/export") == {report["id"]}
    shown = nobody("GET", f"/api/reports/{report['id']}").json()
    assert (shown["canEdit"], shown["canDelete"], shown["canShare"]) == (False,) * 3
    assert_error(nobody("GET", f"/api/reports/{hidden['id']}"), 404)


WRITES = ["create", "edit", "share", "delete", "import"]


@pytest.mark.parametrize("host", ["connect", "forge"])
@pytest.mark.parametrize("how", ["no sub", "empty sub"])
@pytest.mark.parametrize("write", WRITES)
def test_token_without_user_may_not_write(request, host, how, write):
    server, nobody, report = nobody_and_report(request, host, how, "site")
    document = {"format": "jql-reports", "version": 3, "reports": [REPORT]}
    path = f"/api/reports/{report['id']}"
    send = {"create": lambda: nobody("POST", "/api/reports", REPORT),
            "edit": lambda: put(nobody, report, name="Anonymous"),
            "share": lambda: put(nobody, report, visibility="private"),
            "delete": lambda: nobody("DELETE", path),
            "import": lambda: nobody("POST", "/api/import", document)}[write]
    before = db_snapshot(server.db)
    assert_error(send(), 403)
    assert db_snapshot(server.db) == before


def test_report_without_owner_in_a_token_without_user_is_still_read_only(sites):
    # A report nobody owns is editable by every user, but not by no user at all.
    report = cli_imported(sites, [REPORT])[0]
    nobody = nobody_connect(sites, "no sub")
    shown = nobody("GET", f"/api/reports/{report['id']}").json()
    [entry] = nobody("GET", "/api/reports").json()["reports"]
    for flags in (shown, entry):
        assert (flags["canEdit"], flags["canDelete"], flags["canShare"]) == (False,) * 3
    before = db_snapshot(sites.db)
    assert_error(put(nobody, report, name="Anonymous"), 403)
    assert_error(nobody("DELETE", f"/api/reports/{report['id']}"), 403)
    assert db_snapshot(sites.db) == before


@pytest.mark.parametrize("owner", [EDITOR, STRANGER])
def test_create_for_someone_else_is_refused(sites, owner):
    before = db_snapshot(sites.db)
    body = REPORT | {"owner": owner}
    resp = connect_call(sites, "owner")("POST", "/api/reports", body)
    assert "owner" in assert_error(resp, 400)["fields"]
    assert db_snapshot(sites.db) == before


def test_create_for_oneself_and_can_flags_in_a_body_are_ignored(sites):
    body = REPORT | {"owner": OWNER, "canEdit": False, "canDelete": False,
                     "canShare": False}
    resp = connect_call(sites, "owner")("POST", "/api/reports", body)
    assert resp.status == 201, resp.body
    got = resp.json()
    assert (got["owner"], got["visibility"], got["editors"]) == (OWNER, "site", "site")
    assert (got["canEdit"], got["canDelete"], got["canShare"]) == (True,) * 3


def test_can_flags_in_a_put_body_change_nothing_for_a_viewer(sites):
    report = made(connect_call(sites, "owner"), "site", editors=())
    before = db_snapshot(sites.db)
    resp = put(connect_call(sites, "viewer"), report, name="Mine now", canEdit=True,
               canDelete=True, canShare=True)
    assert_error(resp, 403)
    assert db_snapshot(sites.db) == before


####################################################################################
# Validation of the access fields
####################################################################################

IDS = [f"5b10ac8d82e05b22cc7d{n:04x}" for n in range(51)]
INVALID = [
    ("visibility", "public"), ("visibility", ""), ("visibility", ["site"]),
    ("visibility", True), ("editors", "everyone"), ("editors", IDS),
    ("editors", [EDITOR, EDITOR]), ("editors", ["has space"]), ("editors", [""]),
    ("editors", ["x" * 129]), ("editors", [7]), ("editors", {"site": True}),
    ("editors", [None]), ("owner", "bad/id"), ("owner", 12), ("owner", "x" * 129),
    ("owner", ""),
]


@pytest.mark.parametrize("field, value", INVALID,
                         ids=[f"{f}={v!r}"[:40] for f, v in INVALID])
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_invalid_access_field_answers_400(sites, method, field, value):
    owner = connect_call(sites, "owner")
    report = made(owner, "site")
    before = db_snapshot(sites.db)
    resp = (owner("POST", "/api/reports", REPORT | {field: value}) if method == "POST"
            else put(owner, report, **{field: value}))
    assert field in assert_error(resp, 400)["fields"]
    assert db_snapshot(sites.db) == before


def test_access_fields_accept_their_limits(sites):
    owner = connect_call(sites, "owner")
    longest = "557058:" + "a" * 121
    report = made(owner, "private", editors=IDS[:50])
    assert len(report["editors"]) == 50
    moved = put(owner, report, editors=IDS[:49] + [longest], owner=longest)
    assert moved.status == 200, moved.body
    assert (moved.json()["owner"], moved.json()["editors"][-1]) == (longest, longest)


####################################################################################
# Reports nobody owns; export and import
####################################################################################


def cli_import(server, reports):
    """Run the operator's `import` for site A; returns the stored rows it added."""
    path = os.path.join(os.path.dirname(server.db), f"doc-{uuid.uuid4().hex}.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"format": "jql-reports", "version": 3, "reports": reports}, fh)
    before = stored(server)
    assert addon.main(["--db", server.db, "import", "--client-key", A, path]) == 0
    return sorted(set(stored(server)) - set(before), key=lambda r: r[1])


def stored(server):
    """(id, name, owner, visibility, editors) of every stored report."""
    with contextlib.closing(sqlite3.connect(server.db)) as db:
        return db.execute(
            "SELECT id, name, owner, visibility, editors FROM reports").fetchall()


def cli_imported(server, reports):
    """The reports the operator's `import` added, as a user of site A reads them."""
    viewer = connect_call(server, "viewer")
    return [viewer("GET", f"/api/reports/{row[0]}").json()
            for row in cli_import(server, reports)]


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "admin"])
def test_report_without_owner_is_the_whole_sites(sites, role):
    report = cli_imported(sites, [REPORT])[0]
    call = connect_call(sites, role)
    assert report["owner"] is None and report["id"] in listed(call)
    shown = call("GET", f"/api/reports/{report['id']}").json()
    assert (shown["canEdit"], shown["canDelete"], shown["canShare"]) == (
        True, True, False)
    edited = put(call, shown, name="Anyone's")
    assert edited.status == 200, edited.body
    assert call("DELETE", f"/api/reports/{report['id']}").status == 204


@pytest.mark.parametrize("field, value", [
    ("visibility", "private"), ("editors", [EDITOR]), ("owner", OWNER)])
def test_nobody_may_share_a_report_without_owner(sites, field, value):
    report = cli_imported(sites, [REPORT])[0]
    before = db_snapshot(sites.db)
    assert_error(put(connect_call(sites, "owner"), report, **{field: value}), 403)
    assert db_snapshot(sites.db) == before


def test_cli_import_keeps_the_documents_owner_or_none(sites):
    owned = REPORT | {"name": "A owned", "owner": EDITOR, "visibility": "private",
                      "editors": [VIEWER]}
    unowned = REPORT | {"name": "B unowned"}
    rows = cli_import(sites, [owned, unowned])
    assert [r[1:] for r in rows] == [("A owned", EDITOR, "private", f'["{VIEWER}"]'),
                                     ("B unowned", None, "site", '"site"')]
    assert listed(connect_call(sites, "editor")) == {r[0] for r in rows}
    assert listed(connect_call(sites, "viewer")) == {rows[1][0]}


def test_cli_import_refuses_a_private_report_without_owner(sites):
    path = os.path.join(os.path.dirname(sites.db), "private.json")
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"format": "jql-reports", "version": 3,
                   "reports": [REPORT | {"visibility": "private"}]}, fh)
    before = db_snapshot(sites.db)
    assert addon.main(["--db", sites.db, "import", "--client-key", A, path]) == 1
    assert db_snapshot(sites.db) == before


def test_api_import_ignores_the_documents_owner(sites):
    document = {"format": "jql-reports", "version": 3, "reports": [
        REPORT | {"owner": EDITOR, "visibility": "private", "editors": [EDITOR]},
        REPORT | {"name": "No access fields"}]}
    call = connect_call(sites, "viewer")
    resp = call("POST", "/api/import", document)
    assert resp.status == 201, resp.body
    got = [call("GET", f"/api/reports/{i}").json() for i in resp.json()["ids"]]
    assert [access(r) for r in got] == [
        {"owner": VIEWER, "visibility": "private", "editors": [EDITOR]},
        {"owner": VIEWER, "visibility": "site", "editors": "site"}]


@pytest.mark.parametrize("role", list(CONNECT_ROLES))
def test_self_serve_export_is_version_3_of_exactly_the_visible_reports(sites, role):
    owner, editor = connect_call(sites, "owner"), connect_call(sites, "editor")
    unowned = cli_imported(sites, [REPORT])[0]
    ids = {made(owner, "site")["id"], made(owner, "private")["id"],
           made(editor, "private")["id"], unowned["id"]}
    document = connect_call(sites, role)("GET", "/api/export").json()
    assert document["version"] == 3
    visible = {r["id"] for r in document["reports"]}
    assert visible == listed(connect_call(sites, role)) and visible <= ids
    for entry in document["reports"]:
        assert set(ACCESS) <= set(entry)
        assert not {"canEdit", "canDelete", "canShare"} & set(entry)


def test_operator_export_holds_every_report(sites, capsys):
    owner, editor = connect_call(sites, "owner"), connect_call(sites, "editor")
    ids = {made(owner, "private")["id"], made(editor, "private")["id"]}
    capsys.readouterr()
    assert addon.main(["--db", sites.db, "export", "--client-key", A]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in document["reports"]} == ids
    assert {r["owner"] for r in document["reports"]} == {OWNER, EDITOR}
