"""How long writing data through the loader takes: the bundled data into an empty database, the
same again (nothing changed), the test bundle (what most test classes load first) and the replay
of the import manifest (every saved public text through the importer).

Each on a database of its own, created and dropped here on the server of DATABASE_URL (or the
embedded one). Prints seconds and queries, the median of --runs runs.

Run:
    .venv/bin/python bench/loading.py [--runs 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import PYTHON, ROOT, manage  # noqa: E402

from bench import psql, server_url  # noqa: E402

# Run inside the scratch database's own process: the time and queries of one write.
MEASURE = """
import json, time
from io import StringIO
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from inspections.loader import load_bundled_data
from tests.base import TEST_BUNDLE

def timed(write):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        write()
        return {"seconds": time.perf_counter() - started, "queries": len(queries)}

step = STEP
if step == "test bundle":
    result = timed(lambda: load_bundled_data(TEST_BUNDLE))
elif step == "import manifest":
    load_bundled_data()
    result = timed(lambda: call_command("import_texts", "inspections/data/imports.toml", stdout=StringIO()))
else:
    if step == "bundle again":
        load_bundled_data()
    result = timed(load_bundled_data)
print(json.dumps(result))
"""

STEPS = ("bundle, empty database", "bundle again", "test bundle", "import manifest")


def measure(base, step, run):
    name = f"bench_loading_{run}"
    psql(base, f'DROP DATABASE IF EXISTS "{name}"')
    psql(base, f'CREATE DATABASE "{name}"')
    environment = {**os.environ, "DATABASE_URL": f"{base}/{name}", "LOG_LEVEL": "ERROR"}
    try:
        manage(environment, "migrate", "--noinput")
        script = MEASURE.replace("STEP", json.dumps(step))
        result = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT,
                                env=environment, check=True, capture_output=True, text=True)  # fmt: skip
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        psql(base, f'DROP DATABASE IF EXISTS "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    base = server_url()
    print("| write | seconds (median) | queries |")
    print("| --- | --- | --- |")
    for step in STEPS:
        results = [measure(base, step, run) for run in range(runs)]
        seconds = statistics.median(result["seconds"] for result in results)
        print(f"| {step} | {seconds:.2f} | {results[0]['queries']} |")


if __name__ == "__main__":
    main()
