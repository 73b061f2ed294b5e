"""Load on a running `muster serve`: N concurrent clients on the search and person pages.

    python bench/load.py --url http://127.0.0.1:8112 --user registration-officer \
        --password registration-officer-demo-2026 --secret BASE32SECRET --clients 20 --seconds 30

The user signs in with the password and, when the server asks for it, the second factor: the code
from the authenticator secret (``--secret``, or MUSTER_LOAD_TOTP_SECRET; `muster demo` prints each
demo login's secret). A code is accepted once (replays are refused), so ``--sessions`` sessions are
signed in one authenticator period apart (30 s each) and the clients share them round-robin, as
the tabs of one officer's browser share a session. Each client then loops: a search for a common
name, then the page of a person found; with ``--api``, also the API's person search and one
person's record. It prints requests per second, p50/p95/p99/max latency, errors, the load average
of the machine during the run and, given the server's process ids (``--server-pid``, repeatable),
the CPU the server used. Only loopback addresses are accepted, the client count is capped at 100
and the duration at 600 s: this is a measuring tool, not a way to load someone else's server. Over
plain HTTP the server needs MUSTER_SECURE_COOKIES=0 (or `muster demo`).
"""

import argparse
import http.cookiejar
import ipaddress
import json
import os
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


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOTP_PERIOD = 30


def _code(secret: str, last: int | None) -> tuple[str, int]:
    """The authenticator code now, waiting for the next period if ``last`` was this one (the
    server refuses a code used before)."""
    import pyotp

    totp = pyotp.TOTP(secret)
    while (counter := int(time.time()) // TOTP_PERIOD) == last:
        time.sleep(0.5)
    return totp.at(counter * TOTP_PERIOD), counter


class Client:
    """One signed-in session (its cookies); several clients may share it."""

    last_counter: int | None = None  # the authenticator period last used, across sessions

    def __init__(self, base: str, user: str, password: str, secret: str = ""):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        landed = self._post_form("/account/login/", {"username": user, "password": password})
        if "/account/2fa/" in landed.geturl():
            if not secret:
                raise SystemExit("sign-in needs the second factor: give --secret")
            code, Client.last_counter = _code(secret, Client.last_counter)
            landed = self._post_form("/account/2fa/", {"code": code})
        if "/account/" in landed.geturl():
            raise SystemExit("sign-in failed: check the user, the password and the second factor")

    def _post_form(self, path: str, fields: dict):
        page = self.opener.open(f"{self.base}{path}", timeout=60).read().decode()
        token = CSRF.search(page).group(1)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=body)
        request.add_header("Referer", f"{self.base}{path}")
        try:
            return self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            return exc  # a refused code answers 400 with the form again

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


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of the processes and their children so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime (fields 14-17 of stat, counted after the name)
        total += sum(int(v) for v in fields[11:15]) / tick
    return total


def _children(pids: list[int]) -> list[int]:
    """The processes and every descendant (a server that forks workers)."""
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return out


def run(
    base, user, password, clients, seconds, *, secret="", sessions=1, api=False, server_pids=()
) -> dict:
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    errors = {"n": 0}
    lock = threading.Lock()
    signed_in = [
        Client(base, user, password, secret) for _ in range(max(1, min(sessions, clients)))
    ]
    pids = _children(list(server_pids))
    cpu_before = _cpu_seconds(pids)
    loads = [os.getloadavg()[0]]
    stop_at = time.monotonic() + seconds  # after the sign-ins (Argon2 is slow on purpose)

    def timed(client, kind, path):
        status, took, text = client.get(path)
        return kind, status, took, text

    def loop(client: Client, seed: int):
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            q = urllib.parse.quote(rng.choice(SEARCHES))
            results = [timed(client, "search", f"/people/?q={q}")]
            found = re.findall(r'href="(/people/[A-Z0-9-]+/)"', results[0][3])
            if found:
                results.append(timed(client, "person", rng.choice(found)))
            if api:
                listed = timed(client, "api_list", f"/api/people/?q={q}&limit=20")
                results.append(listed)
                try:
                    numbers = [p["number"] for p in json.loads(listed[3])["results"]]
                except (ValueError, KeyError, TypeError):
                    numbers = []
                if numbers:
                    results.append(
                        timed(client, "api_person", f"/api/people/{rng.choice(numbers)}/")
                    )
            with lock:
                for kind, st, t, _text in results:
                    if st == 200:
                        latencies.append(t)
                        by_kind.setdefault(kind, []).append(t)
                    else:
                        errors["n"] += 1
                        # 0: no answer within the client's 60 s (timeout) or a broken connection
                        errors[st] = errors.get(st, 0) + 1

    def sample_load():
        while time.monotonic() < stop_at:
            time.sleep(min(5.0, max(0.0, stop_at - time.monotonic())))
            loads.append(os.getloadavg()[0])

    started = time.monotonic()
    threads = [
        threading.Thread(target=loop, args=(signed_in[i % len(signed_in)], i))
        for i in range(clients)
    ]
    threads.append(threading.Thread(target=sample_load, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cpu = _cpu_seconds(pids) - cpu_before if pids else None
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    result = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(ordered) + errors["n"],
        "req_per_s": round((len(ordered) + errors["n"]) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else 0.0,
        "errors": errors["n"],
        "errors_by_status": {k: v for k, v in errors.items() if k != "n"} or "none",
        "load_avg_max": round(max(loads), 1),
        "load_avg_mean": round(statistics.fmean(loads), 1),
    }
    if cpu is not None:
        result["server_cpu_s"] = round(cpu, 1)
        result["server_cores"] = round(cpu / elapsed, 2)
    for kind, values in sorted(by_kind.items()):
        values.sort()
        result[f"{kind}_p95_ms"] = round(
            values[min(len(values) - 1, int(0.95 * len(values)))] * 1000, 1
        )
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="registration-officer")
    parser.add_argument("--password", default="registration-officer-demo-2026")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--secret",
        default=os.environ.get("MUSTER_LOAD_TOTP_SECRET", ""),
        help="the user's authenticator secret (base32), for the second factor",
    )
    parser.add_argument(
        "--sessions", type=int, default=1, help="sessions to sign in (30 s apart with a code)"
    )
    parser.add_argument("--api", action="store_true", help="also the API's person list and record")
    parser.add_argument(
        "--server-pid", type=int, action="append", default=[], help="server process, for its CPU"
    )
    args = parser.parse_args(argv)
    if not _loopback(args.url):
        print("load.py: only a server on this machine (loopback) may be loaded", file=sys.stderr)
        return 2
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.seconds <= MAX_SECONDS):
        print(f"load.py: 1-{MAX_CLIENTS} clients, up to {MAX_SECONDS} s", file=sys.stderr)
        return 2
    result = run(
        args.url,
        args.user,
        args.password,
        args.clients,
        args.seconds,
        secret=args.secret,
        sessions=args.sessions,
        api=args.api,
        server_pids=args.server_pid,
    )
    print(" ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
