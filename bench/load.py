"""Load on a running `muster serve`: N concurrent clients on the search and person pages.

    python bench/load.py --url http://127.0.0.1:8112 --user registration-officer \
        --password registration-officer-demo-2026 --clients 20 --seconds 30

Each client signs in once (its own session), then loops: a search for a common family name, then
the page of a person found. It prints requests per second, p50/p95/max latency and errors. Only
loopback addresses are accepted, the client count is capped at 100 and the duration at 600 s: this
is a measuring tool, not a way to load someone else's server. The server must run without the
second factor for this user (MUSTER_TOTP_REQUIRED_ROLES) and, over plain HTTP, with
MUSTER_SECURE_COOKIES=0 (or use `muster demo`).
"""

import argparse
import http.cookiejar
import ipaddress
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

MAX_CLIENTS = 100
MAX_SECONDS = 600
SEARCHES = ["al-Obeidi", "al-Jabouri", "Muhammad", "Ahmad", "Fatima", "al-Dulaimi", "Ali", "Hassan"]


def _loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Client:
    def __init__(self, base: str, user: str, password: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{self.base}/account/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(
            {"username": user, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(f"{self.base}/account/login/", data=body)
        request.add_header("Referer", f"{self.base}/account/login/")
        landed = self.opener.open(request, timeout=60)
        if "/account/login/" in landed.geturl():
            raise SystemExit("sign-in failed: check the user, the password and the second factor")

    def get(self, path: str) -> tuple[int, float, str]:
        start = time.perf_counter()
        try:
            with self.opener.open(f"{self.base}{path}", timeout=60) as response:
                text = response.read().decode("utf-8", "replace")
                status = response.status
        except urllib.error.HTTPError as exc:
            text, status = "", exc.code
        except OSError:
            text, status = "", 0
        return status, time.perf_counter() - start, text


def run(base, user, password, clients, seconds) -> dict:
    latencies: list[float] = []
    errors = {"n": 0}
    lock = threading.Lock()
    sessions = [Client(base, user, password) for _ in range(clients)]
    stop_at = time.monotonic() + seconds  # after the sign-ins (Argon2 is slow on purpose)

    def loop(client: Client, seed: int):
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            q = urllib.parse.quote(rng.choice(SEARCHES))
            status, took, text = client.get(f"/people/?q={q}")
            found = re.findall(r'href="(/people/[A-Z0-9-]+/)"', text)
            results = [(status, took)]
            if found:
                status2, took2, _ = client.get(rng.choice(found))
                results.append((status2, took2))
            with lock:
                for st, t in results:
                    if st == 200:
                        latencies.append(t)
                    else:
                        errors["n"] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(c, i)) for i, c in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(ordered) + errors["n"],
        "req_per_s": round((len(ordered) + errors["n"]) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0.0,
        "errors": errors["n"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="registration-officer")
    parser.add_argument("--password", default="registration-officer-demo-2026")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args(argv)
    if not _loopback(args.url):
        print("load.py: only a server on this machine (loopback) may be loaded", file=sys.stderr)
        return 2
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.seconds <= MAX_SECONDS):
        print(f"load.py: 1-{MAX_CLIENTS} clients, up to {MAX_SECONDS} s", file=sys.stderr)
        return 2
    result = run(args.url, args.user, args.password, args.clients, args.seconds)
    print(" ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
