"""`make bench`: page timings at scale 1 and 100, throughput against a static file and Datasette,
page weight in Chromium, and EXPLAIN plans; writes its sections of bench/RESULTS.md and keeps the
others (Lighthouse, the importer's, ...). Under ten minutes on two cores.

Cold means what an editor's change causes: the data version is advanced before each request, so
nothing cached (pages, anything keyed on the version) is reused, and the server reads the version
on every request (DATA_VERSION_SECONDS=0). A unique query string no longer misses the cache (the
key keeps only the parameters a page reads), so it cannot make a request cold. Warm and throughput
run on a second server with the production setting (the version reused for a second).

Databases <prefix>1 and <prefix>100 (BENCH_DATABASE_PREFIX, default bench_s) are created on the
server DATABASE_URL names (or the embedded one) and dropped afterwards; the page cache is Redis at
BENCH_REDIS_URL (default redis://127.0.0.1:6379/5), as in production. Loopback only; every loop is
bounded.
"""

import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import PYTHON, ROOT, free_port, inspection_ids, manage, production_environment, start_gunicorn  # noqa: E402

COLD_REQUESTS = 20
WARM_REQUESTS = 50
WRK_SECONDS = 10
WRK_CONNECTIONS = 32
WORKERS = 3  # as deploy/gunicorn.conf.py's default
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "bench_s")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
# The sections of RESULTS.md this script writes; any other section is kept as it was.
OWN_SECTIONS = ("Pages", "Whole-table downloads", "Throughput", "Page weight", "EXPLAIN ANALYZE")


def server_url():
    """The PostgreSQL server to create the bench databases on, as (template URL, admin URL)."""
    if os.environ.get("DATABASE_URL"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    else:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
        import django

        django.setup()
        from django.db import connection

        host = connection.settings_dict["HOST"]
        base = f"postgres://postgres@{quote(host, safe='')}"
    return base


def connect(base, database):
    from urllib.parse import unquote, urlparse

    import psycopg2

    url = urlparse(f"{base}/{database}")
    connection = psycopg2.connect(dbname=database, user=url.username or "postgres", host=unquote(url.hostname or "") or None,
                                  port=url.port, password=url.password)  # fmt: skip
    connection.autocommit = True
    return connection


def psql(base, sql):
    connection = connect(base, "postgres")
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


class DataVersion:
    """Advances the data version as any write does, so the next request finds nothing cached."""

    def __init__(self, base, database):
        self.connection = connect(base, database)

    def advance(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT nextval('inspections_data_version')")

    def close(self):
        self.connection.close()


def prepare(base, name, scale):
    psql(base, f'DROP DATABASE IF EXISTS "{name}"')
    psql(base, f'CREATE DATABASE "{name}"')
    environment = production_environment(f"{base}/{name}", LOG_LEVEL="CRITICAL", REDIS_URL=REDIS_URL)
    # Setting up is no page request: no production statement timeout on a busy machine.
    bulk = {**environment, "DB_STATEMENT_TIMEOUT_MS": "600000"}
    manage(bulk, "migrate", "--noinput")
    manage(bulk, "load_bundled_data")
    generated = ""
    if scale > 1:
        result = subprocess.run([PYTHON, "manage.py", "generate_synthetic", "--scale", str(scale), "--force"], cwd=ROOT,
                                env=bulk, capture_output=True, text=True)  # fmt: skip
        if result.returncode:
            raise SystemExit(f"generate_synthetic failed:\n{result.stderr[-3000:]}")
        generated = result.stdout.strip()
    manage(
        bulk,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; connection.cursor().execute('ANALYZE')",
    )
    return environment, generated


def page_paths(environment):
    first, second = inspection_ids(environment)
    return {
        "home (league table)": "/",
        "league table, all inspections": "/?scope=all&sort=-total_score",
        "provider": "/providers/cheshire-greater-manchester-crc/",
        "inspection": f"/inspections/{first}/",
        "standard in inspection": f"/inspections/{first}/standards/2.2/",
        "standard across providers": "/standards/standards-2018/2.2/",
        "standards": "/standards/",
        "providers": "/providers/",
        "owners": "/owners/",
        "owner": "/owners/purple-futures/",
        "rounds": "/rounds/",
        "compare": f"/compare/?inspection={first}&inspection={second}",
        "about": "/about/",
        "accessibility": "/accessibility/",
        "search": "/search/?q=risk+of+harm",
        "data downloads page": "/data/",
        "API providers": "/api/v1/providers",
        "API provider": "/api/v1/providers/cheshire-greater-manchester-crc",
        "API owners": "/api/v1/owners",
        "API owner": "/api/v1/owners/purple-futures",
        "API inspections (CRC, page 1)": "/api/v1/inspections?kind=CRC",
        "API inspection": f"/api/v1/inspections/{first}",
        "API standards": "/api/v1/standards",
        "API standard": "/api/v1/standards/standards-2018/2.2",
    }


# Whole-table downloads grow with the data by design (every row); timed apart, with fewer requests.
DOWNLOADS = {
    "league table CSV export": "/?_export=csv&scope=all",
    "ratings.csv": "/data/ratings.csv",
    "findings.json": "/data/findings.json",
}
DOWNLOAD_REQUESTS = 3


def query_counts(environment, paths):
    script = (
        "import json\nfrom django.test import Client\nfrom django.test.utils import CaptureQueriesContext\n"
        "from django.db import connection\nfrom django.core.cache import cache\nc = Client(HTTP_HOST='127.0.0.1')\nout = {}\n"
        f"for name, path in {json.dumps(paths)}.items():\n"
        "    cache.clear()\n"
        "    with CaptureQueriesContext(connection) as q:\n        c.get(path)\n"
        "    out[name] = len(q)\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT,
                            env={**environment, "DEBUG": "true", "DATA_VERSION_SECONDS": "0", "DB_STATEMENT_TIMEOUT_MS": "600000"},
                            check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def timed(url):
    """(milliseconds, bytes, status) of one request; a request unanswered after 30 s counts as 30 s
    and status 0 (reported as an error), rather than ending the run."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            status = response.status
    except (TimeoutError, OSError) as error:
        print(f"no answer from {url}: {error}", file=sys.stderr)
        body, status = b"", 0
    return (time.perf_counter() - started) * 1000, len(body), status


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_cold(url, paths, version, requests=COLD_REQUESTS):
    """Each request after the data version is advanced: the render an editor's change causes."""
    rows = {}
    for name, path in paths.items():
        for _ in range(3 * WORKERS):
            # A running server: each worker has rendered the page once (compiled its templates). Each
            # warm-up is a render, not a hit of the page cache that one worker's first render filled.
            version.advance()
            timed(url + path)
        cold = []
        for _ in range(requests):
            version.advance()
            cold.append(timed(url + path)[0])
        rows[name] = {"cold_median": statistics.median(cold), "cold_p95": percentile(cold, 0.95)}
    return rows


def measure_warm(url, paths, requests=WARM_REQUESTS):
    """The same URL again and again: page cache hits."""
    rows = {}
    for name, path in paths.items():
        samples = [timed(url + path) for _ in range(requests + 1)][1:]
        warm = [sample[0] for sample in samples]
        rows[name] = {
            "warm_median": statistics.median(warm),
            "warm_p95": percentile(warm, 0.95),
            "bytes": samples[0][1],
        }
    return rows


def wrk(url, seconds=WRK_SECONDS, connections=WRK_CONNECTIONS):
    output = subprocess.run(["wrk", "--latency", "--timeout", "10s", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url],
                            capture_output=True, text=True, timeout=seconds + 60).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+(\S+)", output).group(1))
    errors = int(re.search(r"Non-2xx or 3xx responses: (\d+)", output).group(1)) if "Non-2xx" in output else 0
    return rate, errors


def static_path(url):
    home = urllib.request.urlopen(url + "/").read().decode()
    return re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home).group(1)


def datasette_rate(url):
    """The league table's rows (our CSV export) in SQLite, served by Datasette, under the same load."""
    venv = ROOT / "var" / "bench-datasette"
    if not (venv / "bin" / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        installed = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "datasette==0.65.1"])
        if installed.returncode:
            return None, "datasette 0.65.1 could not be installed"
    csv_text = urllib.request.urlopen(url + "/?_export=csv&scope=all").read().decode()
    import csv
    import io

    rows = list(csv.reader(io.StringIO(csv_text)))
    directory = Path(tempfile.mkdtemp())
    database = directory / "league.db"
    with sqlite3.connect(database) as db:
        columns = ", ".join(f'"{c}" TEXT' for c in rows[0])
        db.execute(f"CREATE TABLE league ({columns})")
        db.executemany(f"INSERT INTO league VALUES ({', '.join('?' for _ in rows[0])})", rows[1:])
    port = free_port()
    process = subprocess.Popen([str(venv / "bin" / "datasette"), "serve", str(database), "--port", str(port), "--host", "127.0.0.1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        table = f"http://127.0.0.1:{port}/league/league"
        for _ in range(100):
            try:
                urllib.request.urlopen(table, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        return wrk(table)[0], len(rows) - 1
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


def page_weight(url, paths):
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])  # fmt: skip
        for name, path in paths.items():
            context = browser.new_context()
            page = context.new_page()
            client = context.new_cdp_session(page)
            client.send("Network.enable")
            transferred = []
            client.on(
                "Network.loadingFinished", lambda event, sink=transferred: sink.append(event["encodedDataLength"])
            )
            visits = []
            for _ in range(2):
                transferred.clear()
                page.goto(url + path)
                page.wait_for_load_state("networkidle")
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # charts load plotly.js on view
                page.wait_for_timeout(1500)
                visits.append(sum(transferred))
            results[name] = visits
            context.close()
        browser.close()
    return results


# The querysets the pages and the API run, explained as Django sends them (EXPLAIN ANALYZE).
EXPLAIN_SCRIPT = """
import json
from django.contrib.postgres.search import SearchQuery
from inspections.models import Framework, Inspection, OwnerGroup, SearchEntry, Standard, StandardRating
from inspections import search
standard = Standard.objects.get(framework__slug=Framework.STANDARDS_2018, code="2.2")
owner = OwnerGroup.objects.get(slug="purple-futures")
queries = {
    "latest inspection per provider (league table, owners, distributions)": Inspection.objects.latest_per_provider().values("pk"),
    "league table page 1 (latest, 12 rating columns, score)": Inspection.objects.latest_per_provider().for_league_table(
        Standard.objects.filter(framework__slug=Framework.STANDARDS_2018)).order_by("provider__name")[:50],
    "ranking of one standard, page 1 (standard page)": Inspection.objects.filter(report__framework=standard.framework)
        .with_standard_rank(standard)[:50],
    "inspections of one owner (API filter, owner page)": Inspection.objects.filter(owner=owner).order_by("report__published", "pk")[:50],
    "inspections published in 2019, newest first (API filter and ordering)": Inspection.objects.filter(
        report__published__year=2019).order_by("-report__published", "provider__name", "pk")[:50],
    "ratings of one standard at the latest inspections (distribution chart)": StandardRating.objects.filter(
        standard=standard, inspection__in=Inspection.objects.latest_per_provider().values("pk")).values("rating"),
    "full-text search, best 20 (search page)": search.search(search.parse_query("risk of harm"))[:20],
}
print(json.dumps({name: queryset.explain(analyze=True).splitlines() for name, queryset in queries.items()}))
"""


def explain(environment):
    environment = {**environment, "DB_STATEMENT_TIMEOUT_MS": "600000"}  # EXPLAIN ANALYZE on a busy machine
    result = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", EXPLAIN_SCRIPT], cwd=ROOT, env=environment,
                            check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_scale(base, scale):
    """Everything measured on one database: cold on a server that reads the version every request,
    then warm, downloads and (at scale 100) throughput on one with the production setting."""
    name = f"{DATABASE_PREFIX}{scale}"
    environment, generated = prepare(base, name, scale)
    paths = page_paths(environment)
    entry = {"generated": generated, "queries": query_counts(environment, paths)}
    version = DataVersion(base, name)
    process, url = start_gunicorn({**environment, "DATA_VERSION_SECONDS": "0"}, workers=WORKERS)
    try:
        cold = measure_cold(url, paths, version)
    finally:
        stop(process)
        version.close()
    process, url = start_gunicorn(environment, workers=WORKERS)
    try:
        warm = measure_warm(url, paths)
        entry["pages"] = {page: {"path": path, **cold[page], **warm[page]} for page, path in paths.items()}
        entry["downloads"] = measure_warm(url, DOWNLOADS, DOWNLOAD_REQUESTS)
        if scale == 100:
            entry["throughput"] = throughput(url, paths)
            entry["datasette"] = datasette_rate(url)
            entry["explain"] = explain(environment)
        if scale == 1:
            entry["weight"] = page_weight(url, {"home": "/", "inspection": paths["inspection"]})
    finally:
        stop(process)
    return entry


def throughput(url, paths):
    """requests/s and errors under wrk, side by side in one run: a static file through the same
    gunicorn + WhiteNoise, then pages served from the cache."""
    targets = {
        "static": static_path(url),
        "league": "/",
        "inspection": paths["inspection"],
        "api_list": paths["API inspections (CRC, page 1)"],
    }
    return {name: wrk(url + path) for name, path in targets.items()}


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    base = server_url()
    report = {"date": f"{datetime.date.today():%-d %B %Y}", "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
              f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python {platform.python_version()}"}  # fmt: skip
    scales = {}
    try:
        for scale in (1, 100):
            scales[scale] = measure_scale(base, scale)
            print(json.dumps({scale: {k: v for k, v in scales[scale].items() if k != "explain"}}, indent=1)[:3000])
    finally:
        for scale in (1, 100):
            psql(base, f'DROP DATABASE IF EXISTS "{DATABASE_PREFIX}{scale}"')
    report["minutes"] = (time.monotonic() - started) / 60
    # The machine may be shared: its load says how far the figures are from an idle machine's.
    report["load"] = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    write_results(report, scales)


def write_results(report, scales):
    s1, s100 = scales[1], scales[100]
    lines = ["# Benchmark results", "",
             f"{report['date']}; {report['machine']}. `make bench` writes this file's first sections "
             f"(this run: {report['minutes']:.1f} minutes; {report['load']}) and keeps the others.", "",
             *throughput_lines(s100), *page_lines(s1, s100), *download_lines(s1, s100), "## Page weight (Chromium, bytes transferred, scale 1)", ""]  # fmt: skip
    for name, (first, repeat) in s1["weight"].items():
        lines.append(f"- {name}: first visit {first / 1024:.0f} KB, repeat visit {repeat / 1024:.1f} KB")
    lines += ["", "## EXPLAIN ANALYZE at scale 100", ""]
    for name, plan in s100["explain"].items():
        lines += [f"### {name}", "", "```", *plan, "```", ""]
    results = ROOT / "bench" / "RESULTS.md"
    kept = other_sections(results.read_text() if results.exists() else "")
    results.write_text("\n".join(lines).rstrip() + "\n" + "".join("\n" + section.rstrip() + "\n" for section in kept))


def other_sections(text):
    """The sections of RESULTS.md other scripts or people wrote, in their order."""
    sections = re.findall(r"^## .*?(?=^## |\Z)", text, re.S | re.M)
    return [section for section in sections if not section[3:].startswith(OWN_SECTIONS)]


def throughput_lines(s100):
    t = s100["throughput"]
    static = t["static"][0]
    datasette_rate, datasette_rows = s100["datasette"]
    rows = [("one static CSS file through the same gunicorn + WhiteNoise", t["static"]),
            ("league table `/` (cache hit)", t["league"]), ("inspection page (cache hit)", t["inspection"]),
            ("API inspections list (cache hit)", t["api_list"])]  # fmt: skip
    lines = ["## Throughput (scale 100, side by side in one run)", "",
             f"wrk, {WRK_SECONDS} s and {WRK_CONNECTIONS} connections each, one after another; production settings, "
             f"{WORKERS} gunicorn workers (gthread), Redis page cache, DEBUG=false, loopback.", "",
             "| what | requests/s | of static | errors |", "| --- | --- | --- | --- |"]  # fmt: skip
    for name, (rate, errors) in rows:
        lines.append(f"| {name} | {rate:,.0f} | {rate / static:.0%} | {errors} |")
    if datasette_rate is None:
        lines.append(f"| Datasette 0.65.1 | not measured: {datasette_rows} | | |")
    else:
        lines.append(f"| Datasette 0.65.1 serving the same {datasette_rows:,} league-table rows from SQLite | "
                     f"{datasette_rate:,.0f} | {datasette_rate / static:.0%} | |")  # fmt: skip
        lines += ["", f"League table / Datasette: {t['league'][0] / datasette_rate:.0f}x."]
    return [*lines, ""]


def page_lines(s1, s100):
    lines = ["## Pages", "", f"Scale 1: the bundled data. Scale 100: {s100['generated']}.", "",
             f"Cold: {COLD_REQUESTS} sequential requests per page, each after the data version is advanced (what an "
             "editor's change causes: nothing cached is reused), on a server reading the version every request. "
             f"Warm: {WARM_REQUESTS} requests of the same URL, page cache hits with the production setting (the "
             "version reused for a second: no query). Through gunicorn + WhiteNoise, DEBUG=false, Redis, loopback. "
             "Queries: one cold render, counted in process.", "",
             "| page | queries s1 | queries s100 | cold median / p95 s1 (ms) | cold median / p95 s100 (ms) | warm median / p95 s100 (ms) | bytes s1 | bytes s100 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, page in s100["pages"].items():
        one = s1["pages"][name]
        lines.append(
            f"| {name} | {s1['queries'][name]} | {s100['queries'][name]} | {one['cold_median']:.0f} / {one['cold_p95']:.0f} | "
            f"{page['cold_median']:.0f} / {page['cold_p95']:.0f} | {page['warm_median']:.1f} / {page['warm_p95']:.1f} | "
            f"{one['bytes']:,} | {page['bytes']:,} |"
        )
    return [*lines, ""]


def download_lines(s1, s100):
    lines = ["## Whole-table downloads (grow with the data by design)", "",
             f"{DOWNLOAD_REQUESTS} requests each; never cached (each is generated from the database and streamed).", "",
             "| download | median s1 (ms) | median / p95 s100 (ms) | bytes s1 | bytes s100 |", "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, page in s100["downloads"].items():
        one = s1["downloads"][name]
        lines.append(
            f"| {name} | {one['warm_median']:.0f} | {page['warm_median']:.0f} / {page['warm_p95']:.0f} | "
            f"{one['bytes']:,} | {page['bytes']:,} |"
        )
    return [*lines, ""]


if __name__ == "__main__":
    main()
