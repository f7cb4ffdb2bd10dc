"""The Connect descriptor: its content, its baseUrl, every URL it names served."""

import json
import os
import re

import pytest

import addon
from tests.conftest import BASE_URL, make_config, request

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
            if "iconUrl" in module:
                urls.append(("GET", module["iconUrl"]))
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
