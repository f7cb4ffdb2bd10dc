"""The demo's two users: tokens for the chosen one, the admin stand-in, the seeded report."""

import json
import os
import shutil
import subprocess

import jwt
import pytest

import addon
import demo
from tests.conftest import api, assert_error, make_config, request

ADMIN, OTHER = demo.USERS
# DEMO_USERS of the page's demo data, as [accountId, admin] pairs.
PAGE_USERS_JS = ("import('./static/js/demo/data.js').then((data) => process.stdout.write("
                 "JSON.stringify(data.DEMO_USERS.map(({user, admin}) => "
                 "[user.accountId, admin]))))")
SHARED = "Unassigned work by priority"


@pytest.fixture(params=["connect", "forge"])
def demo_host(request, tmp_path, install_keys, start_server):
    """The demo app under one host, seeded as `addon.py demo` seeds it."""
    settings = {"issues": 10, "latencyMs": 0, "seed": 1, "host": request.param}
    config = make_config(tmp_path, install_keys.url, base_url="http://127.0.0.1:9",
                         demo=settings)
    if request.param == "forge":
        config.update(demo.forge_config())
    server = start_server(config, demo.make_app)
    demo.seed(server.app.config["addon.pool"].get(), request.param)
    return request.param, server


def token_for(host, server, user):
    """The token the demo's page gets for a user (None: asked without one)."""
    query = "" if user is None else f"?user={user}"
    path = "/demo/fit" if host == "forge" else "/demo/token"
    return request(server, "GET", path + query)


def call(host, server, method, path, user):
    """An API call as one demo user, with the token the demo hands out for them."""
    token = token_for(host, server, user).json()["token"]
    scheme = "Bearer" if host == "forge" else "JWT"
    return api(server, method, path, headers={"Authorization": f"{scheme} {token}"})


def test_demo_users_agree_with_the_page():
    node = shutil.which("node")
    assert node, "node is not on PATH"
    done = subprocess.run([node, "-e", PAGE_USERS_JS], cwd=os.path.dirname(addon.__file__),
                          capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == [list(item) for item in demo.USERS.items()]
    assert list(demo.USERS.values()) == [True, False]


@pytest.mark.parametrize("user", [None, ADMIN, OTHER])
def test_token_names_the_chosen_user(demo_host, user):
    host, server = demo_host
    resp = token_for(host, server, user)
    assert resp.status == 200
    claims = jwt.decode(resp.json()["token"], options={"verify_signature": False})
    assert claims["principal" if host == "forge" else "sub"] == (user or ADMIN)


@pytest.mark.parametrize("user", ["nobody", "", ADMIN + "x", OTHER.upper(),
                                  "557058:d3e0a1b2-demo-automation"])
def test_token_for_anyone_else_is_refused(demo_host, user):
    host, server = demo_host
    assert_error(token_for(host, server, user), 400)


def test_admin_routes_answer_the_first_user_only(demo_host):
    host, server = demo_host
    listed = call(host, server, "GET", "/api/admin/reports", ADMIN)
    assert listed.status == 200
    owners = {r["name"]: r["owner"] for r in listed.json()["reports"]}
    assert owners[SHARED] == OTHER and len(owners) == 7
    refused = assert_error(call(host, server, "GET", "/api/admin/reports", OTHER), 403)
    assert refused["error"] == "Only a Jira administrator can do this."


def test_seed_shares_a_report_of_the_second_user_with_the_site(demo_host):
    host, server = demo_host
    for user, mine in ((OTHER, True), (ADMIN, False)):
        reports = call(host, server, "GET", "/api/reports", user).json()["reports"]
        (shared,) = [r for r in reports if r["name"] == SHARED]
        assert (shared["owner"], shared["visibility"]) == (OTHER, "site")
        assert (shared["canEdit"], shared["canDelete"]) == (mine, mine)
        assert len(reports) == 7


def test_demo_admin_page_names_its_files_from_the_root(demo_host):
    host, server = demo_host
    resp = request(server, "GET", "/demo/admin")
    assert resp.status == 200
    html = resp.body.decode()
    assert f'src="/static/js/demo/{"forge" if host == "forge" else "ap"}.js"' in html
    assert 'src="/static/js/main.js"' in html and '"static/' not in html
    assert "connect-cdn" not in html
