"""Fault test: stop PostgreSQL mid-load, check that pages answer 503 quickly, restart it, check
that the site recovers by itself and that no write was half-done.

Runs its own embedded PostgreSQL (pgserver) in a temporary folder, so it never touches another
database. `make faulttest`; CI runs it. Prints the time to the first 503 after the stop, the
slowest answer during the outage, and the time to recover; exits 1 if a check fails.
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


def pg_ctl(server, *args):
    from pgserver._commands import pg_ctl as run_pg_ctl

    return run_pg_ctl(list(args), pgdata=server.pgdata, user=server.system_user)


def export_report(environment):
    result = subprocess.run([PYTHON, "manage.py", "export_inspections", "--provider", "nps-north-west"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, check=True)  # fmt: skip
    return [item for item in json.loads(result.stdout) if item["framework"] == "quality-impact-2016"]


def main():
    import pgserver

    failures = []
    with tempfile.TemporaryDirectory(prefix="faulttest-") as directory:
        server = pgserver.get_server(Path(directory) / "pgdata", cleanup_mode="stop")
        socket_dir = server.get_postmaster_info().socket_dir
        database_url = f"postgres://postgres@{quote(str(socket_dir), safe='')}/postgres"
        environment = production_environment(database_url, VAR_DIR=str(Path(directory) / "var"), LOG_LEVEL="CRITICAL")
        manage(environment, "migrate", "--noinput")
        manage(environment, "load_bundled_data")
        manage(environment, "import_report", str(REPORT))
        baseline = export_report(environment)
        process, url = start_gunicorn(environment, workers=2)
        samples = []  # (time, status, seconds)
        stop = threading.Event()

        def load():
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = urllib.request.urlopen(url + "/", timeout=10).status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError:
                    status = 0
                samples.append((started, status, time.monotonic() - started))
                time.sleep(0.05)

        def write_loop():
            # Imports of one report, again and again: each is one transaction.
            while not stop.is_set():
                subprocess.run([PYTHON, "manage.py", "import_report", str(REPORT)], cwd=ROOT, env=environment,
                               capture_output=True)  # fmt: skip

        threads = [threading.Thread(target=load), threading.Thread(target=write_loop)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(3)
            stopped_at = time.monotonic()
            pg_ctl(server, "-m", "immediate", "stop")
            time.sleep(5)
            started_at = time.monotonic()
            pg_ctl(server, "-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(server.log), "start")
            time.sleep(4)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            process.terminate()
            process.wait(timeout=30)

        # A request in flight at the moment of the stop may fail either way: judge only those that
        # finished before the stop, and those that began during the outage.
        before = [s for s in samples if s[0] + s[2] < stopped_at]
        outage = [s for s in samples if stopped_at <= s[0] < started_at]
        after = [s for s in samples if s[0] >= started_at]
        first_503 = next((s for s in outage if s[1] == 503), None)
        first_ok = next((s for s in after if s[1] == 200), None)
        slowest = max((s[2] for s in outage), default=0)
        other = sorted({s[1] for s in outage} - {503})
        if not before or any(s[1] != 200 for s in before):
            failures.append(
                f"pages did not answer 200 before the stop: {sorted((round(s[2], 2), s[1]) for s in before)}"
            )
        if first_503 is None:
            failures.append("no 503 while the database was down")
        if other:
            failures.append(f"answers other than 503 while the database was down: {other}")
        if slowest >= 2:
            failures.append(f"an answer took {slowest:.2f}s while the database was down (limit 2s)")
        if first_ok is None:
            failures.append("the site did not recover after the database came back")
        after_export = export_report(environment)
        if after_export != baseline:
            failures.append("the report's data differs from before: a write was half-done")
        print(
            f"SUMMARY requests={len(samples)} before={len(before)} outage={len(outage)} after={len(after)} "
            f"first_503_after={(first_503[0] + first_503[2] - stopped_at) if first_503 else float('nan'):.2f}s "
            f"slowest_during_outage={slowest:.2f}s "
            f"recovered_after={(first_ok[0] + first_ok[2] - started_at) if first_ok else float('nan'):.2f}s "
            f"export_unchanged={after_export == baseline}"
        )
        server.cleanup()
    for failure in failures:
        print("FAIL", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    main()
