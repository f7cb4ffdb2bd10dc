"""The Forge packaging: forge/ builds its Custom UI resource and its manifest validates."""

import json
import re
import shutil

import pytest

from tests.forge_build import FORGE, RESOURCE, build_forge, run_in_forge

BUNDLE = RESOURCE / "js" / "vendor" / "forge-bridge.js"
BRIDGE_EXPORTS = ("requestJira", "invokeRemote", "view", "router")
EXPORT_LIST = re.compile(r"export\s*\{([^}]*)\}\s*;?\s*$")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture(scope="module")
def built():
    """forge/static, freshly built."""
    build_forge()
    return RESOURCE


def node():
    """The node binary."""
    found = shutil.which("node")
    assert found, "node is not on PATH"
    return found


def test_build_copies_the_client_without_the_demo(built):
    assert (built / "js" / "main.js").is_file()
    assert (built / "js" / "host" / "forge-host.js").is_file()
    assert (built / "css" / "addon.css").is_file()
    assert not (built / "js" / "demo").exists()


def test_copied_page_loads_no_connect_script_and_no_inline_script(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    assert "all.js" not in html
    assert "connect-cdn" not in html
    assert INLINE_SCRIPT.findall(html) == []
    assert '<script type="module" src="./js/main.js"></script>' in html
    assert 'static/' not in html


def test_bridge_bundle_is_an_es_module_with_the_four_exports(built):
    # forge/package.json says "type": "module", so node checks the bundle as a module.
    run_in_forge(node(), "--check", str(BUNDLE))
    source = BUNDLE.read_text(encoding="utf-8")
    exported = EXPORT_LIST.search(source.strip())
    assert exported, "the bundle ends without an export list"
    names = {part.split(" as ")[-1].strip() for part in exported.group(1).split(",")}
    assert names == set(BRIDGE_EXPORTS)
    assert not re.search(r"\brequire\(|\bprocess\.env", source)


def test_manifest_validates(built):
    output = run_in_forge(node(), "validate.mjs")
    assert "manifest.yml is valid" in output


def test_validation_fails_on_a_broken_manifest(built, tmp_path):
    manifest = (FORGE / "manifest.yml").read_text(encoding="utf-8")
    broken = manifest.replace("inScopeEUD: true", "inScopeEUD: maybe")
    assert broken != manifest
    (tmp_path / "manifest.yml").write_text(broken, encoding="utf-8")
    shutil.copytree(built, tmp_path / "static")
    with pytest.raises(pytest.fail.Exception, match="inScopeEUD"):
        run_in_forge(node(), "validate.mjs", str(tmp_path / "manifest.yml"))


MANIFEST_JSON = ("process.stdout.write(JSON.stringify(require('yaml').parse("
                 "require('fs').readFileSync('manifest.yml', 'utf8'))))")


@pytest.fixture(scope="module")
def manifest(built):
    """manifest.yml as data, read by the yaml package @forge/manifest itself uses."""
    return json.loads(run_in_forge(node(), "-e", MANIFEST_JSON))


def test_admin_page_calls_its_own_endpoint_with_the_users_token(manifest):
    modules = manifest["modules"]
    (page,) = modules["jira:adminPage"]
    assert (page["key"], page["resource"], page["resolver"]) == (
        "jqlr-admin", "ui", {"endpoint": "jqlr-admin-api"})
    endpoints = {e["key"]: e for e in modules["endpoint"]}
    admin = endpoints["jqlr-admin-api"]
    assert admin["remote"] == "jqlr-server"
    assert admin["auth"] == {"appUserToken": {"enabled": True}}
    # Only the admin page's calls carry a user token; the report pages need none.
    assert "auth" not in endpoints["jqlr-api"]
    # Forge scopes reference: read:app-user-token lets Forge pass the user's token to a
    # remote; without another product scope no valid token is created.
    assert {"read:app-user-token", "read:jira-work"} <= set(manifest["permissions"]["scopes"])


def test_validation_fails_when_the_admin_page_names_no_endpoint(built, tmp_path):
    manifest = (FORGE / "manifest.yml").read_text(encoding="utf-8")
    broken = manifest.replace("endpoint: jqlr-admin-api", "endpoint: jqlr-admin-gone")
    assert broken != manifest
    (tmp_path / "manifest.yml").write_text(broken, encoding="utf-8")
    shutil.copytree(built, tmp_path / "static")
    with pytest.raises(pytest.fail.Exception, match="undefined endpoint.*jqlr-admin-gone"):
        run_in_forge(node(), "validate.mjs", str(tmp_path / "manifest.yml"))


GADGET = FORGE / "gadget"


def test_gadget_resource_is_the_gadget_page_and_its_modules(built):
    html = (GADGET / "index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="./js/gadget/main.js"></script>' in html
    assert "all.js" not in html and INLINE_SCRIPT.findall(html) == []
    assert "js/main.js" not in html.replace("js/gadget/main.js", "")
    assert (GADGET / "js" / "vendor" / "forge-bridge.js").is_file()
    assert not (GADGET / "js" / "demo").exists()


def test_dashboard_gadget_edits_in_its_own_resource_and_reads_reports_remotely(manifest):
    (gadget,) = manifest["modules"]["jira:dashboardGadget"]
    # Forge's jira:dashboardGadget reference: title, description and thumbnail are required;
    # `edit` with a resource gives the edit view, which stores with view.submit.
    assert (gadget["key"], gadget["resource"], gadget["edit"]) == (
        "jqlr-gadget", "gadget", {"resource": "gadget"})
    assert gadget["resolver"] == {"endpoint": "jqlr-api"}
    assert gadget["title"] and gadget["description"]
    assert gadget["thumbnail"] == "${JQLR_BASE_URL}/static/icon.svg"
    resources = {r["key"]: r["path"] for r in manifest["resources"]}
    assert resources == {"ui": "static", "gadget": "gadget"}


def test_validation_fails_when_the_gadget_edits_in_no_resource(built, tmp_path):
    manifest = (FORGE / "manifest.yml").read_text(encoding="utf-8")
    broken = manifest.replace("      edit:\n        resource: gadget",
                              "      edit:\n        resource: gadget-gone")
    assert broken != manifest
    (tmp_path / "manifest.yml").write_text(broken, encoding="utf-8")
    shutil.copytree(built, tmp_path / "static")
    shutil.copytree(GADGET, tmp_path / "gadget")
    with pytest.raises(pytest.fail.Exception, match="gadget-gone"):
        run_in_forge(node(), "validate.mjs", str(tmp_path / "manifest.yml"))
