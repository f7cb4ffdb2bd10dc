"""auth.decode_hs256, our check of Connect tokens, against PyJWT's decision on the
same tokens: never looser, and the same wherever the token is well formed."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import auth

SECRET = "the shared secret Jira gave this site at install, 52 b"
LEEWAY = auth.LEEWAY


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pyjwt_accepts(token, secret):
    try:
        jwt.decode(token, secret, algorithms=["HS256"], leeway=LEEWAY,
                   options={"require": ["iss", "iat", "exp", "qsh"], "verify_aud": False})
    except jwt.PyJWTError:
        return False
    return True


def ours_accepts(token, secret):
    try:
        auth.decode_hs256(token, secret)
    except auth.AuthError:
        return False
    return True


# Offsets from now, kept 3 s away from the leeway's edges so that the two checks,
# made a moment apart, see the same side of them.
offsets = st.integers(-300, 300).filter(
    lambda s: all(abs(s - edge) > 3 for edge in (-LEEWAY, LEEWAY)))
times = st.one_of(offsets, offsets.map(lambda s: s + 0.5),
                  st.sampled_from(["now", None, True, "1e3"]))
headers = st.fixed_dictionaries(
    {"alg": st.sampled_from(["HS256", "HS384", "none", "hs256", "RS256"])},
    optional={"typ": st.just("JWT"), "crit": st.just(["exp"]), "kid": st.text(max_size=4)})
claim_sets = st.fixed_dictionaries({}, optional={
    "iss": st.sampled_from(["site-a", ""]), "qsh": st.just("context-qsh"),
    "sub": st.just("5b10a2844c20165700ede21g"), "iat": times, "exp": times,
    "nbf": times})
tampering = st.sampled_from(["none", "other secret", "flip payload", "flip signature",
                             "pad", "drop signature", "extra segment"])


def instant(value, now):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return now + value


def make(header, claims, change):
    now = int(time.time())
    body = {k: (instant(v, now) if k in ("iat", "exp", "nbf") else v)
            for k, v in claims.items()}
    signing = (b64(json.dumps(header).encode()) + "." +
               b64(json.dumps(body).encode()))
    secret = "not the secret of this site, but as long as it" if \
        change == "other secret" else SECRET
    signature = b64(hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest())
    token = f"{signing}.{signature}"
    head, payload, sig = token.split(".")
    if change == "flip payload":
        payload = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    elif change == "flip signature":
        sig = ("A" if sig[0] != "A" else "B") + sig[1:]
    elif change == "pad":
        sig += "=" * (-len(sig) % 4 or 4)
    elif change == "drop signature":
        return f"{head}.{payload}"
    elif change == "extra segment":
        return f"{head}.{payload}.{sig}.x"
    return f"{head}.{payload}.{sig}"


def well_formed(header, claims, change):
    """Where our check is meant to agree with PyJWT's exactly."""
    return change != "pad" and all(
        isinstance(v, (int, float)) and not isinstance(v, bool)
        for k, v in claims.items() if k in ("iat", "exp", "nbf"))


@settings(max_examples=400, deadline=None)
@given(headers, claim_sets, tampering)
def test_never_looser_than_pyjwt_and_the_same_on_well_formed_tokens(header, claims,
                                                                     change):
    token = make(header, claims, change)
    ours = ours_accepts(token, SECRET)
    if ours:
        assert pyjwt_accepts(token, SECRET)
    if well_formed(header, claims, change):
        assert ours == pyjwt_accepts(token, SECRET)


def test_a_valid_connect_token_is_accepted_by_both():
    now = int(time.time())
    token = jwt.encode({"iss": "site-a", "iat": now, "exp": now + 180,
                        "qsh": "context-qsh"}, SECRET, algorithm="HS256")
    assert auth.decode_hs256(token, SECRET)["iss"] == "site-a"


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_times_that_are_not_finite_are_refused(value):
    now = int(time.time())
    header = b64(b'{"alg":"HS256"}')
    payload = b64(json.dumps({"iss": "a", "iat": now, "exp": value,
                              "qsh": "q"}).encode())
    sig = b64(hmac.new(SECRET.encode(), f"{header}.{payload}".encode(),
                       hashlib.sha256).digest())
    with pytest.raises(auth.AuthError):
        auth.decode_hs256(f"{header}.{payload}.{sig}", SECRET)
