"""The Connect descriptor: its content, its baseUrl, every URL it names served."""

import json
import os
import re

import pytest

import addon
from tests.conftest import (
    BASE_URL,
    SECRET_A,
    A,
    assert_error,
    make_config,
    page,
    page_token,
    request,
)

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(addon.__file__)),
                        "atlassian-connect.json")


def template():
    with open(TEMPLATE, encoding="utf-8") as fh:
        return json.load(fh)


def named_urls(doc):
    """(method, path) of every URL the descriptor names, relative to baseUrl."""
    urls = [("POST", url) for url in doc["lifecycle"].values()]
    for modules in doc["modules"].values():
        for module in modules:
            urls.append(("GET", module["url"].split("?")[0]))
            for image in ("iconUrl", "thumbnailUrl"):
                if image in module:
                    urls.append(("GET", module[image]))
    for absolute in (doc["links"]["self"], doc["vendor"]["url"]):
        urls.append(("GET", absolute.replace("{{baseUrl}}", "")))
    return urls


def served(server):
    resp = request(server, "GET", "/atlassian-connect.json")
    assert resp.status == 200 and resp.headers.get_content_type() == "application/json"
    return resp


def test_descriptor_declares_a_jwt_connect_app(server):
    doc = served(server).json()
    assert (doc["key"], doc["authentication"], doc["scopes"]) == (
        "jql-reports", {"type": "jwt"}, ["READ"])
    assert doc["apiMigrations"] == {"signed-install": True, "context-qsh": True}
    assert doc["lifecycle"] == {e: "/" + e for e in (
        "installed", "uninstalled", "enabled", "disabled")}
    assert doc["modules"]["generalPages"] and doc["modules"]["jiraProjectPages"]
    assert doc["modules"]["adminPages"]


# The fields Atlassian documents for each module type we declare, required ones first
# (developer.atlassian.com/cloud/jira/platform/modules/page/, …/modules/project-page/,
# …/modules/admin-page/, …/modules/dashboard-item/). A misspelt or unknown field is
# ignored by Jira, silently.
DOCUMENTED = {
    "generalPages": ({"key", "name", "url"},
                     {"cacheable", "conditions", "icon", "location", "params", "weight"}),
    "jiraProjectPages": ({"key", "name", "url"},
                         {"conditions", "iconUrl", "params", "weight"}),
    "adminPages": ({"key", "name", "url"}, {"conditions", "location", "params", "weight"}),
    "jiraDashboardItems": ({"key", "name", "description", "url", "thumbnailUrl"},
                           {"conditions", "configurable", "refreshable"}),
}
# The context parameters Jira fills in a dashboard item's URL (the dashboard item module
# page's example: {dashboard.id}, {dashboardItem.id}, {dashboardItem.viewType}).
GADGET_QUERY = "dashboardId=10000&dashboardItemId=10100&view=default"


def test_modules_use_only_documented_fields():
    doc = template()
    assert set(doc["modules"]) <= set(DOCUMENTED)
    for kind, modules in doc["modules"].items():
        required, optional = DOCUMENTED[kind]
        for module in modules:
            assert required <= set(module) <= required | optional, (kind, module)
            assert set(module["name"]) == {"value"}


def test_gadget_is_a_configurable_dashboard_item_given_its_context():
    (item,) = template()["modules"]["jiraDashboardItems"]
    assert (item["key"], item["configurable"]) == ("report-gadget", True)
    assert set(item["description"]) == {"value"}
    assert len(item["description"]["value"]) <= 1500
    path, _, query = item["url"].partition("?")
    assert path == "/gadget"
    assert dict(p.split("=") for p in query.split("&")) == {
        "dashboardId": "{dashboard.id}", "dashboardItemId": "{dashboardItem.id}",
        "view": "{dashboardItem.viewType}"}


def test_gadget_page_is_served_for_a_token_bound_to_it(tenants):
    token = page_token(A, SECRET_A, "GET", "/gadget", GADGET_QUERY)
    resp = page(tenants, "/gadget", GADGET_QUERY, token)
    assert resp.status == 200 and b"js/gadget/main.js" in resp.body
    assert b"js/main.js" not in resp.body  # only the gadget's modules


@pytest.mark.parametrize("token_for", [
    None,
    lambda: page_token(A, SECRET_A, "GET", "/reports"),
    lambda: page_token(A, SECRET_A, "GET", "/gadget", GADGET_QUERY + "x"),
    lambda: page_token(A, "wrong-secret" * 4, "GET", "/gadget", GADGET_QUERY),
])
def test_gadget_page_checks_the_token_and_its_qsh(tenants, token_for):
    if token_for is None:
        resp = request(tenants, "GET", "/gadget?" + GADGET_QUERY)
    else:
        resp = page(tenants, "/gadget", GADGET_QUERY, token_for())
    assert_error(resp, 401)


def test_admin_page_is_shown_to_jira_administrators_only():
    (page,) = template()["modules"]["adminPages"]
    assert (page["key"], page["url"]) == ("reports-admin", "/admin")
    # Conditions only hide the page; the server asks Jira on every admin call.
    assert page["conditions"] == [{"condition": "user_is_admin"}]


def test_module_keys_are_valid(server):
    doc = served(server).json()
    keys = [m["key"] for modules in doc["modules"].values() for m in modules]
    assert len(doc["key"]) <= 64 and len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-zA-Z0-9-]{1,100}", k) for k in keys)


@pytest.mark.parametrize("base_url", [BASE_URL, BASE_URL + "/", BASE_URL + "/jql"])
def test_descriptor_is_served_with_base_url(tmp_path, start_server, install_keys,
                                            base_url):
    server = start_server(make_config(tmp_path, install_keys.url, base_url=base_url))
    prefix = "/jql" if base_url.endswith("/jql") else ""
    resp = request(server, "GET", prefix + "/atlassian-connect.json")
    doc = resp.json()
    expected = base_url.rstrip("/")
    assert doc["baseUrl"] == expected
    assert doc["links"]["self"] == expected + "/atlassian-connect.json"
    assert b"{{" not in resp.body


@pytest.mark.parametrize("method, path", named_urls(template()))
def test_every_named_url_is_routed(server, method, path):
    resp = request(server, method, path)
    assert resp.status not in (404, 405), (method, path, resp.status)
    assert resp.status < 500


@pytest.mark.parametrize("contact, url", [
    ("https://acme.example/security", "https://acme.example/security"),
    ("security@acme.example", BASE_URL + "/privacy"),
    (None, BASE_URL + "/privacy"),
])
def test_descriptor_names_the_operator_as_vendor(tmp_path, start_server, install_keys,
                                                 contact, url):
    config = make_config(tmp_path, install_keys.url, contact=contact,
                         vendor_name="Acme IT")
    doc = served(start_server(config)).json()
    assert doc["vendor"] == {"name": "Acme IT", "url": url}


@pytest.mark.parametrize("contact, link", [
    ("security@acme.example", 'href="mailto:security@acme.example"'),
    ("https://acme.example/security?a=1&b=<2>",
     'href="https://acme.example/security?a=1&amp;b=&lt;2&gt;"'),
])
def test_privacy_page_names_the_operators_contact_as_text(tmp_path, start_server,
                                                          install_keys, contact, link):
    server = start_server(make_config(tmp_path, install_keys.url, contact=contact))
    body = request(server, "GET", "/privacy").body.decode()
    assert link in body and "<2>" not in body
    assert "export and removal requests and for security reports" in body


def test_privacy_page_says_when_no_contact_is_published(server):
    body = request(server, "GET", "/privacy").body.decode()
    assert "has not published a contact address" in body and "mailto:" not in body


@pytest.mark.parametrize("path", ["/demo", "/demo/admin", "/demo/token", "/demo/fit",
                                  "/demo/config", "/demo/token?user=5b10a2844c20165700ede21g",
                                  "/static/js/demo/ap.js", "/static/js/demo/forge.js",
                                  "/static/js/demo/fake-jira.js",
                                  "/static/js/./demo/ap.js", "/static/js/x/../demo/ap.js",
                                  "/static/js/demo/reports.json"])
def test_the_product_serves_no_demo_stand_in(server, path):
    assert request(server, "GET", path).status == 404


def page_modules():
    """Every module of the page under static/js, the demo's stand-ins excluded."""
    root = os.path.join(os.path.dirname(TEMPLATE), "static", "js")
    return sorted(os.path.relpath(os.path.join(folder, n), root)
                  for folder, _, names in os.walk(root) for n in names
                  if n.endswith(".js") and "demo" not in os.path.relpath(folder, root))


def test_the_page_has_its_modules_in_concern_folders():
    assert "main.js" in page_modules() and "engine/report.js" in page_modules()


@pytest.mark.parametrize("name", page_modules())
def test_the_product_serves_its_page_modules(server, name):
    assert request(server, "GET", f"/static/js/{name}").status == 200
