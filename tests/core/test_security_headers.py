"""Headers every page and endpoint answer carries; secure cookies and HSTS outside the demo."""

import os
import re
import subprocess
import sys

import pytest


@pytest.mark.django_db
def test_person_pages_and_api_are_not_cached_and_carry_a_csp(facilities, make_user, login):
    client = login(make_user("registration_officer"))
    for url in ("/", "/people/", "/reception/", "/api/people/", "/account/login/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        csp = response["Content-Security-Policy"]
        assert (
            "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url


@pytest.mark.django_db
def test_hsts_on_https_answers(client):
    response = client.get("/account/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_inline_script_or_handler_in_templates():
    from pathlib import Path

    import muster

    root = Path(muster.__file__).parent
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text()
        for bad in (
            "<script>",
            "onclick=",
            "onchange=",
            "onsubmit=",
            "onload=",
            "hx-on",
            "javascript:",
        ):
            assert bad not in text, f"{path.relative_to(root)}: {bad}"
        assert "<script" not in text or 'src="' in text, path
        # An htmx event filter (hx-trigger="change[...]") is evaluated with eval: refused by the CSP.
        assert not re.search(r'hx-trigger="[^"]*\[', text), (
            f"{path.relative_to(root)}: event filter"
        )


def _settings_under(env: dict) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='muster.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MUSTER_")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_secure_cookies_and_hsts_by_default_and_off_in_the_demo(tmp_path):
    assert _settings_under({"MUSTER_DATA": str(tmp_path)}) == "True True 31536000"
    assert _settings_under({"MUSTER_DATA": str(tmp_path), "MUSTER_DEMO": "1"}) == "False False 0"
