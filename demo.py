"""The offline demo of JQL Reports: the real server with a demo site and stand-ins.

`python addon.py demo` runs the production client against an in-browser fake Jira
(static/js/demo/), with a demo tenant and example reports in a temporary database that
is removed on exit. `serve` never imports this module, so none of its routes, tokens or
stand-in scripts exist on a production server.
"""

import json
import os
import secrets
import shutil
import signal
import tempfile
import time

import bottle
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

import addon

CLIENT_KEY = "jql-reports-demo"
ACCOUNT = "5b10a2844c20165700ede21g"
# The people the demo can be used as (its user switcher, DEMO_USERS in
# static/js/demo/data.js), each with whether Jira would call them an administrator.
USERS = {ACCOUNT: True, "5b10ac8d82e05b22cc7d4e11": False}
SITE = "https://demo.atlassian.net"
ALL_JS = ('<script src="https://connect-cdn.atl-paas.net/all.js" '
          'data-options="sizeToParent:true"></script>')
GADGET_ALL_JS = '<script src="https://connect-cdn.atl-paas.net/all.js"></script>'
STAND_IN_JS = {
    "connect": '<script type="module" src="static/js/demo/ap.js"></script>',
    "forge": '<script type="module" src="static/js/demo/forge.js"></script>',
}
FORGE_APP = "ari:cloud:ecosystem::app/00000000-0000-4000-8000-00000000d3e0"
FORGE_ENV = "00000000-0000-4000-8000-0000000000e1"
FORGE_TENANT = f"forge:demo-cloud:{FORGE_ENV}"
FORGE_INSTALL = "ari:cloud:ecosystem::installation/00000000-0000-4000-8000-0000000000a1"
FORGE_KID = "demo-forge-key"
STAND_INS = os.path.join(addon.HERE, "static", "js", "demo")
REPORTS = os.path.join(STAND_INS, "reports.json")


####################################################################################
# Routes
####################################################################################


def home():
    """`/` under the demo: the demo page."""
    return bottle.redirect("/demo", 302)


def demo_page():
    """The production client with the offline Jira stand-in instead of all.js."""
    host = bottle.request.app.config["addon.demo"]["host"]
    return addon.page_response("index.html", swap=(ALL_JS, STAND_IN_JS[host]))


def demo_admin_page():
    """The app's admin page (Connect's /admin, Forge's jqlr-admin) with the stand-ins.

    The page sits one folder down, so it names the server's files from the root.
    """
    resp = demo_page()
    resp.body = resp.body.replace('"static/', '"/static/').replace(
        'href="privacy"', 'href="/privacy"')
    return resp


def demo_dashboard_page():
    """Jira's dashboard with three of the app's gadgets (static/js/demo/dashboard.js)."""
    return addon.page_response("js/demo/dashboard.html")


def demo_gadget_page():
    """One gadget's frame (Connect's /gadget, Forge's jqlr-gadget) with the stand-ins.

    Framed by the demo's own dashboard page, so its ancestor is the demo server itself.
    """
    host = bottle.request.app.config["addon.demo"]["host"]
    resp = addon.page_response("gadget.html", ancestors="'self'",
                               swap=(GADGET_ALL_JS, STAND_IN_JS[host]))
    resp.body = resp.body.replace('"static/', '"/static/')
    return resp


def demo_user():
    """The demo user a token is asked for (``?user=<accountId>``), the first by default.

    :raises: 400 for anyone who is not one of the demo's users.
    """
    account = bottle.request.query.get("user", ACCOUNT)
    if account not in USERS:
        bottle.abort(400, "The demo runs only as one of its own users.")
    return account


def demo_admin_check(db, tenant):
    """Stand-in for asking Jira whether the caller administers the site (the demo has
    no Jira to ask): its first user does, the other does not."""
    return USERS.get(tenant.account_id, False)


def demo_config():
    """Settings of the in-browser fake Jira."""
    return addon.json_response(bottle.request.app.config["addon.demo"])


def demo_token(db):
    """A context token for the demo tenant, as AP.context.getToken() gives one."""
    row = addon.select_tenant(db, CLIENT_KEY)
    if row is None:
        bottle.abort(404, "This demo runs as a Forge app: its tokens come from /demo/fit.")
    account = demo_user()
    now = int(time.time())
    claims = {"iss": CLIENT_KEY, "sub": account, "iat": now, "exp": now + 900,
              "qsh": "context-qsh"}
    token = jwt.encode(claims, row["shared_secret"], algorithm="HS256")
    return addon.json_response({"token": token})


def demo_fit():
    """A Forge Invocation Token for the demo site, as Forge sends one to a remote."""
    config = bottle.request.app.config
    if "addon.demo_forge_key" not in config:
        bottle.abort(404, "This demo runs as a Connect app: its tokens come from "
                          "/demo/token.")
    account = demo_user()
    now = int(time.time())
    claims = {
        "iss": "forge/invocation-token", "aud": FORGE_APP, "iat": now, "nbf": now,
        "exp": now + 60, "principal": account,
        "app": {"id": FORGE_APP, "installationId": FORGE_INSTALL,
                "environment": {"type": "DEVELOPMENT", "id": FORGE_ENV}},
        "context": {"cloudId": "demo-cloud", "siteUrl": SITE},
    }
    token = jwt.encode(claims, config["addon.demo_forge_key"], algorithm="RS256",
                       headers={"kid": FORGE_KID})
    return addon.json_response({"token": token})


def stand_in(path):
    """The demo's stand-ins of Atlassian's AP, Jira and Forge bridge."""
    return addon.static_file(path, STAND_INS)


ROUTES = (
    ("GET", "/", home, None),
    ("GET", "/demo", demo_page, None),
    ("GET", "/demo/admin", demo_admin_page, None),
    ("GET", "/demo/dashboard", demo_dashboard_page, None),
    ("GET", "/demo/gadget", demo_gadget_page, None),
    ("GET", "/demo/config", demo_config, None),
    ("GET", "/demo/token", demo_token, None),
    ("GET", "/demo/fit", demo_fit, None),
    ("GET", "/static/js/demo/<path:path>", stand_in, None),
)


####################################################################################
# The demo server
####################################################################################


def seed(db, host):
    """Create the demo tenant and a few example reports, one of them the second
    user's, shared with the site."""
    with addon.write(db):
        if host == "forge":
            client_key = FORGE_TENANT
            addon.upsert_forge_tenant(db, client_key, SITE)
        else:
            client_key = CLIENT_KEY
            addon.upsert_tenant(db, client_key, secrets.token_hex(32), SITE, None, "jira")
        if not addon.select_reports(db, client_key):
            with open(REPORTS, encoding="utf-8") as fh:
                for report in addon.validate_export(json.load(fh)):
                    owner = report["owner"] or ACCOUNT  # one is the second user's
                    addon.insert_report(db, client_key, report, owner, owner)


def forge_config():
    """Settings that make the demo server trust its own stand-in Forge keys."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {"addon.forge_app_id": FORGE_APP, "addon.forge_jwks_url": None,
            "addon.forge_keys": {FORGE_KID: key.public_key()},
            "addon.demo_forge_key": key}


def make_app(config):
    """The app with the demo's routes ahead of the product's (see addon.make_app), and
    the demo's answer to who administers the site."""
    app = addon.make_app(config, first_routes=ROUTES)
    app.config["addon.admin_check"] = demo_admin_check
    return app


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # unwinds through run()'s cleanup like Ctrl-C


def run(config, args):
    """Serve the demo until interrupted; the temporary folder goes with it."""
    folder = tempfile.mkdtemp(prefix="jql-reports-demo-")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        port = config["addon.port"]
        config.update({"addon.db": os.path.join(folder, "demo.db"),
                       "addon.host": "127.0.0.1",
                       "addon.base_url": f"http://127.0.0.1:{port}",
                       "addon.demo": {"issues": args.issues, "seed": 1, "host": args.host,
                                      "latencyMs": args.latency_ms}})
        if args.host == "forge":
            config.update(forge_config())
        app = make_app(config)
        seed(app.config["addon.pool"].get(), args.host)
        addon.run_server(app, config, f"JQL Reports demo: open http://127.0.0.1:{port}/demo")
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0
