"""Fault test: stop PostgreSQL mid-load, check that pages answer 503 quickly, restart it, check
that the site recovers by itself and that no write was half-done. Then stop Redis (the page cache)
mid-load: pages must keep answering 200 from the database, /readyz must say the cache is degraded,
and once Redis is back the cache is used again.

Runs its own embedded PostgreSQL (pgserver) in a temporary folder, so it never touches another
database; Redis is the machine's (127.0.0.1:6379, database 15), stopped and restarted with the
CI's own command line. `make faulttest`; CI runs it. Prints the time to the first 503 after the
stop, the slowest answer during the outage, the time to recover, and the Redis phase's figures;
exits 1 if a check fails.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import PYTHON, ROOT, manage, production_environment, start_gunicorn  # noqa: E402

REPORT = ROOT / "tests" / "fixtures" / "reports" / "greater-manchester-quality-impact-2017-report.txt"
REDIS_URL = "redis://127.0.0.1:6379/15"
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]  # fmt: skip


def redis_up():
    result = subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True)
    return result.stdout.strip() == "PONG"


def start_redis():
    subprocess.run(REDIS_START, check=True, capture_output=True)
    for _ in range(50):
        if redis_up():
            return
        time.sleep(0.1)
    raise SystemExit("redis did not start")


def get(url):
    """(status, body) of one request; status 0 when no answer came."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def pg_ctl(server, *args):
    from pgserver._commands import pg_ctl as run_pg_ctl

    return run_pg_ctl(list(args), pgdata=server.pgdata, user=server.system_user)


def export_report(environment):
    result = subprocess.run([PYTHON, "manage.py", "export_inspections", "--provider", "nps-north-west"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, check=True)  # fmt: skip
    return [item for item in json.loads(result.stdout) if item["framework"] == "quality-impact-2016"]


class Load:
    """Page requests every 50 ms, each kept as (start, status, seconds), and imports of one report
    again and again (each one transaction), until stopped."""

    def __init__(self, url, environment):
        self.url, self.environment = url, environment
        self.samples = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read), threading.Thread(target=self.write)]

    def read(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status = urllib.request.urlopen(self.url + "/", timeout=10).status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            self.samples.append((started, status, time.monotonic() - started))
            time.sleep(0.05)

    def write(self):
        while not self.stop.is_set():
            subprocess.run([PYTHON, "manage.py", "import_report", str(REPORT)], cwd=ROOT, env=self.environment,
                           capture_output=True)  # fmt: skip

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def break_things(server, socket_dir, url):
    """Stop PostgreSQL mid-load and start it again, then the same with Redis; returns when each
    happened and what /readyz said around the Redis outage."""
    marks = {}
    time.sleep(3)
    marks["stopped"] = time.monotonic()
    pg_ctl(server, "-m", "immediate", "stop")
    time.sleep(5)
    marks["started"] = time.monotonic()
    pg_ctl(server, "-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(server.log), "start")
    time.sleep(4)
    # Redis: stop it mid-load (no save), watch pages and /readyz, start it again.
    marks["ready_before_redis_stop"] = get(url + "/readyz/")
    marks["redis_stopped"] = time.monotonic()
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    time.sleep(1)
    marks["ready_during_redis_outage"] = get(url + "/readyz/")
    time.sleep(3)
    marks["redis_started"] = time.monotonic()
    start_redis()
    time.sleep(6)  # past the cache's back-off (dashboard.caching.CACHE_RETRY_SECONDS)
    marks["ready_after_redis"] = get(url + "/readyz/")
    return marks


VERSION_REUSE_SECONDS = float(os.environ.get("DATA_VERSION_SECONDS", "1"))


def judge(samples, marks):
    """What went wrong, in words, and the summary figures. A request in flight at the moment of the
    stop may fail either way: judge only those that finished before it, and those begun during."""
    stopped_at, started_at = marks["stopped"], marks["started"]
    before = [s for s in samples if s[0] + s[2] < stopped_at]
    outage = [s for s in samples if stopped_at <= s[0] < started_at]
    after = [s for s in samples if started_at <= s[0] < marks["redis_stopped"]]
    redis_outage = [s for s in samples if marks["redis_stopped"] <= s[0] < marks["redis_started"]]
    redis_after = [s for s in samples if s[0] >= marks["redis_started"]]
    first_503 = next((s for s in outage if s[1] == 503), None)
    first_ok = next((s for s in after if s[1] == 200), None)
    slowest = max((s[2] for s in outage), default=0)
    # A page cache hit reuses the data version for DATA_VERSION_SECONDS without asking the database,
    # so it may still answer 200 (the page as of under a second ago) just after the stop; later, no.
    other = sorted({s[1] for s in outage} - {503, 200})
    late_hits = [s for s in outage if s[1] == 200 and s[0] - stopped_at > VERSION_REUSE_SECONDS + 0.5]
    during, after_redis = marks["ready_during_redis_outage"], marks["ready_after_redis"]
    checks = [
        (before and all(s[1] == 200 for s in before),
         f"pages did not answer 200 before the stop: {sorted((round(s[2], 2), s[1]) for s in before)}"),
        (first_503 is not None, "no 503 while the database was down"),
        (not other, f"answers other than 503 (or an early cache hit) while the database was down: {other}"),
        (not late_hits, f"{len(late_hits)} cache hits more than {VERSION_REUSE_SECONDS + 0.5}s into the outage"),
        (slowest < 2, f"an answer took {slowest:.2f}s while the database was down (limit 2s)"),
        (first_ok is not None, "the site did not recover after the database came back"),
        (redis_outage and all(s[1] == 200 for s in redis_outage + redis_after),
         "pages did not all answer 200 while Redis was down or after: "
         f"{sorted({s[1] for s in redis_outage + redis_after})} ({len(redis_outage)} during the outage)"),
        (marks["ready_before_redis_stop"] == (200, "ok"), f"/readyz before Redis stopped: {marks['ready_before_redis_stop']}"),
        (during[0] == 200 and "degraded" in during[1], f"/readyz did not report Redis as degraded: {during}"),
        (after_redis == (200, "ok"), f"/readyz after Redis came back: {after_redis}"),
    ]  # fmt: skip
    summary = (
        f"SUMMARY requests={len(samples)} before={len(before)} outage={len(outage)} after={len(after)} "
        f"cache_hits_during_outage={sum(s[1] == 200 for s in outage)} "
        f"first_503_after={(first_503[0] + first_503[2] - stopped_at) if first_503 else float('nan'):.2f}s "
        f"slowest_during_outage={slowest:.2f}s "
        f"recovered_after={(first_ok[0] + first_ok[2] - started_at) if first_ok else float('nan'):.2f}s",
        f"REDIS requests_during_outage={len(redis_outage)} statuses={sorted({s[1] for s in redis_outage})} "
        f"slowest_during_outage={max((s[2] for s in redis_outage), default=0):.2f}s "
        f"readyz_during_outage={during[1]!r} readyz_after={after_redis[1]!r}",
    )
    return [message for passed, message in checks if not passed], summary


def main():
    import pgserver

    with tempfile.TemporaryDirectory(prefix="faulttest-") as directory:
        server = pgserver.get_server(Path(directory) / "pgdata", cleanup_mode="stop")
        socket_dir = server.get_postmaster_info().socket_dir
        database_url = f"postgres://postgres@{quote(str(socket_dir), safe='')}/postgres"
        if not redis_up():
            start_redis()
        environment = production_environment(
            database_url, VAR_DIR=str(Path(directory) / "var"), LOG_LEVEL="CRITICAL", REDIS_URL=REDIS_URL
        )
        manage(environment, "migrate", "--noinput")
        manage(environment, "load_bundled_data")
        manage(environment, "import_report", str(REPORT))
        baseline = export_report(environment)
        process, url = start_gunicorn(environment, workers=2)
        try:
            with Load(url, environment) as load:
                marks = break_things(server, socket_dir, url)
        finally:
            if not redis_up():
                start_redis()
            process.terminate()
            process.wait(timeout=30)
        failures, (summary, redis_summary) = judge(load.samples, marks)
        after_export = export_report(environment)
        if after_export != baseline:
            failures.append("the report's data differs from before: a write was half-done")
        print(f"{summary} export_unchanged={after_export == baseline}")
        print(redis_summary)
        server.cleanup()
    for failure in failures:
        print("FAIL", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    main()
