"""Item 10: the deployment settings Django's own check asks for, and on every kind of response
(a page, a record, a download, an API list, 403, 404, the sign-in page) the security headers,
the cookie flags, and no caching of pages that carry personal data."""

from __future__ import annotations

import os
import re
import subprocess
import uuid

from proof.figures import Figure, check, zero
from proof.stack import ROOT, Stack

# Every response must carry these, with these values (a value of None: present, any value).
HEADERS = {
    "Strict-Transport-Security": re.compile(r"max-age=\d{8,}"),
    "X-Content-Type-Options": re.compile(r"^nosniff$"),
    "X-Frame-Options": re.compile(r"^DENY$"),
    "Referrer-Policy": re.compile(r"same-origin|no-referrer|strict-origin"),
    "Content-Security-Policy": re.compile(r"default-src 'self'|default-src 'none'"),
    "Cross-Origin-Opener-Policy": re.compile(r"same-origin"),
}
# A page holding personal data must not be kept by the browser or any cache on the way.
NOT_CACHED = re.compile(r"no-store|private")


def deploy_warnings(stack: Stack) -> list[str]:
    """`manage.py check --deploy` under the production settings the service runs with."""
    env = {**stack.env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "onestory"), "check", "--deploy"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return re.findall(r"\(([a-z_]+\.[WE]\d+)\)", result.stdout + result.stderr)


def _samples(stack: Stack) -> list[tuple[str, str, str, bool]]:
    """(who, method, path, holds personal data) for each kind of response."""
    child = stack.sql(
        "SELECT a.person_id FROM access_allocation a JOIN workforce_worker w ON w.id = a.worker_id "
        "WHERE w.username = 'socialworker' AND a.ends_at IS NULL LIMIT 1"
    )
    document = stack.sql(
        "SELECT d.id FROM documents_document d JOIN documents_documentsubject s "
        "ON s.document_id = d.id WHERE s.person_id = %s AND d.removed_at IS NULL LIMIT 1",
        [child[0][0]] if child else [uuid.uuid4()],
    )
    person = f"/people/{child[0][0]}/" if child else "/people/"
    samples = [
        ("anonymous", "GET", "/sign-in/", False),
        ("socialworker", "GET", "/", True),
        ("socialworker", "GET", person, True),
        ("socialworker", "GET", f"{person}chronology/", True),
        ("socialworker", "GET", "/api/people/", True),
        ("socialworker", "GET", f"/people/{uuid.uuid4()}/", False),  # 404
        ("socialworker", "POST", "/recording/notes/start/", False),  # 403: no CSRF token
        ("analyst", "GET", "/performance/", False),
    ]
    if document:
        samples.append(("socialworker", "GET", f"/documents/{document[0][0]}/download/", True))
    return samples


@check("10", "Deployment settings, security headers, cookies and caching", quick=True)
def deployment(stack: Stack) -> list[Figure]:
    figures = [zero("10", "`check --deploy` warnings, production settings", deploy_warnings(stack))]
    sessions = {}
    bad_headers, bad_cookies, cached, seen = [], [], [], []
    for who, method, path, personal in _samples(stack):
        if who not in sessions:
            sessions[who] = stack.anonymous() if who == "anonymous" else stack.session(who)
        client = sessions[who]
        if method == "POST":
            # Without the CSRF token, as a forged request would come.
            forged = stack.anonymous()
            forged.cookies.set("sessionid", client.cookies.get("sessionid", ""))
            answer = forged.post(stack.base_url + path, allow_redirects=False, timeout=60)
        else:
            answer = client.get(stack.base_url + path, allow_redirects=False, timeout=60)
        seen.append(f"{answer.status_code} {path}")
        for name, wanted in HEADERS.items():
            if not wanted.search(answer.headers.get(name, "")):
                bad_headers.append(f"{answer.status_code} {path}: {name}")
        control = answer.headers.get("Cache-Control", "")
        if personal and answer.status_code == 200 and not NOT_CACHED.search(control):
            cached.append(f"{path}: Cache-Control {answer.headers.get('Cache-Control')!r}")
        for cookie in answer.cookies:
            flags = {k.lower() for k in cookie._rest}
            if (
                not cookie.secure
                or ("samesite" not in flags)
                or (cookie.name == "sessionid" and "httponly" not in flags)
            ):
                bad_cookies.append(f"{cookie.name} on {path}")
    statuses = sorted({s.split()[0] for s in seen})
    figures += [
        zero(
            "10",
            "responses missing a security header",
            bad_headers,
            note=f"{len(seen)} responses, statuses {', '.join(statuses)}"
            + (f"; e.g. {bad_headers[0]}" if bad_headers else ""),
        ),
        zero(
            "10",
            "cookies without Secure, SameSite (HttpOnly: session)",
            bad_cookies,
            note=bad_cookies[0] if bad_cookies else "",
        ),  # fmt: skip
        zero(
            "10",
            "pages with personal data that may be cached",
            cached,
            note=cached[0] if cached else "",
        ),  # fmt: skip
    ]
    return figures
