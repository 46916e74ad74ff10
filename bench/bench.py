"""`make bench`: page timings at scale 1 and 100, throughput against a static file and Datasette,
page weight in Chromium, and EXPLAIN plans; writes bench/RESULTS.md (keeping its Lighthouse section).

Databases bench_s1 and bench_s100 are created on the server DATABASE_URL names (or the embedded
one) and dropped afterwards. Loopback only; every loop is bounded.
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

REQUESTS = 200
WRK_SECONDS = 10


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


def psql(base, sql):
    from urllib.parse import unquote, urlparse

    import psycopg2

    url = urlparse(base + "/postgres")
    connection = psycopg2.connect(dbname="postgres", user=url.username or "postgres", host=unquote(url.hostname or "") or None,
                                  port=url.port, password=url.password)  # fmt: skip
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def prepare(base, name, scale):
    psql(base, f'DROP DATABASE IF EXISTS "{name}"')
    psql(base, f'CREATE DATABASE "{name}"')
    environment = production_environment(f"{base}/{name}", LOG_LEVEL="CRITICAL")
    manage(environment, "migrate", "--noinput")
    manage(environment, "load_bundled_data")
    generated = ""
    if scale > 1:
        result = subprocess.run([PYTHON, "manage.py", "generate_synthetic", "--scale", str(scale), "--force"], cwd=ROOT,
                                env=environment, capture_output=True, text=True, check=True)  # fmt: skip
        generated = result.stdout.strip()
    manage(
        environment,
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
        "owners": "/owners/",
        "owner": "/owners/purple-futures/",
        "compare": f"/compare/?inspection={first}&inspection={second}",
        "about": "/about/",
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
DOWNLOAD_REQUESTS = 10


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
                            env={**environment, "DEBUG": "true"}, check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def timed(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - started) * 1000, len(body), status


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure_pages(url, paths, requests=REQUESTS):
    rows = {}
    for name, path in paths.items():
        separator = "&" if "?" in path else "?"
        cold = [timed(f"{url}{path}{separator}_bench={n}")[0] for n in range(requests)]
        timed(url + path)
        warm_samples = [timed(url + path) for _ in range(requests)]
        warm = [sample[0] for sample in warm_samples]
        rows[name] = {
            "path": path,
            "cold_median": statistics.median(cold), "cold_p95": percentile(cold, 0.95),
            "warm_median": statistics.median(warm), "warm_p95": percentile(warm, 0.95),
            "bytes": warm_samples[0][1],
        }  # fmt: skip
    return rows


def wrk(url, seconds=WRK_SECONDS, connections=64):
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
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "datasette==0.65.1"], check=True)
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
        [s.code for s in Standard.objects.filter(framework__slug=Framework.STANDARDS_2018)]).order_by("provider__name")[:50],
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
    result = subprocess.run([PYTHON, "manage.py", "shell", "--no-imports", "-c", EXPLAIN_SCRIPT], cwd=ROOT, env=environment,
                            check=True, capture_output=True, text=True)  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    base = server_url()
    report = {"date": f"{datetime.date.today():%-d %B %Y}", "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
              f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python {platform.python_version()}"}  # fmt: skip
    scales = {}
    try:
        for scale in (1, 100):
            name = f"bench_s{scale}"
            environment, generated = prepare(base, name, scale)
            paths = page_paths(environment)
            counts = query_counts(environment, paths)
            process, url = start_gunicorn(environment, workers=4)
            try:
                pages = measure_pages(url, paths)
                downloads = measure_pages(url, DOWNLOADS, DOWNLOAD_REQUESTS)
                entry = {"generated": generated, "pages": pages, "queries": counts, "downloads": downloads}
                if scale == 100:
                    league_rate, league_errors = wrk(url + "/")
                    static_rate, _ = wrk(url + static_path(url))
                    entry["throughput"] = {"league": league_rate, "league_errors": league_errors, "static": static_rate}
                    entry["datasette"] = datasette_rate(url)
                    entry["explain"] = explain(environment)
                if scale == 1:
                    entry["weight"] = page_weight(url, {"home": "/", "inspection": paths["inspection"]})
            finally:
                process.terminate()
                process.wait(timeout=30)
            scales[scale] = entry
            print(json.dumps({scale: {k: v for k, v in entry.items() if k != "explain"}}, indent=1)[:3000])
    finally:
        for scale in (1, 100):
            psql(base, f'DROP DATABASE IF EXISTS "bench_s{scale}"')
    write_results(report, scales)


def write_results(report, scales):
    s1, s100 = scales[1], scales[100]
    lines = ["# Benchmark results", "", f"{report['date']}; {report['machine']}. `make bench` writes this file.", "",
             "## Pages", "", f"Scale 1: the bundled data. Scale 100: {s100['generated']}.", "",
             "Server time through gunicorn (4 workers) + WhiteNoise, DEBUG=false, on loopback: 200 sequential requests per "
             "page. Cold: each request has a new query string, so every one renders (the page cache misses). Warm: the "
             "same URL, served from the page cache. Queries: one render, counted in process.", "",
             "| page | queries s1 | queries s100 | cold median / p95 s1 (ms) | cold median / p95 s100 (ms) | warm median / p95 s100 (ms) | bytes s100 |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, page in s100["pages"].items():
        one = s1["pages"][name]
        lines.append(
            f"| {name} | {s1['queries'][name]} | {s100['queries'][name]} | {one['cold_median']:.0f} / {one['cold_p95']:.0f} | "
            f"{page['cold_median']:.0f} / {page['cold_p95']:.0f} | {page['warm_median']:.1f} / {page['warm_p95']:.1f} | {page['bytes']:,} |"
        )
    lines += ["", "## Whole-table downloads (grow with the data by design)", "",
              f"{DOWNLOAD_REQUESTS} requests each; never cached (each is generated from the database and streamed).", "",
              "| download | median s1 (ms) | median / p95 s100 (ms) | bytes s1 | bytes s100 |", "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for name, page in s100["downloads"].items():
        one = s1["downloads"][name]
        lines.append(
            f"| {name} | {one['cold_median']:.0f} | {page['cold_median']:.0f} / {page['cold_p95']:.0f} | "
            f"{one['bytes']:,} | {page['bytes']:,} |"
        )
    t = s100["throughput"]
    datasette_rate, datasette_rows = s100["datasette"]
    lines += ["", "## Throughput (wrk, 64 connections, 10 s, scale 100)", "",
              f"- League table page (warm): {t['league']:.0f} requests/s ({t['league_errors']} errors)",
              f"- One static file, same gunicorn + WhiteNoise stack: {t['static']:.0f} requests/s",
              f"- Ratio league / static: {t['league'] / t['static']:.0%}",
              f"- Datasette 0.65 serving the same {datasette_rows} league-table rows from SQLite, its table page: "
              f"{datasette_rate:.0f} requests/s; ours / Datasette: {t['league'] / datasette_rate:.1f}x", "",
              "## Page weight (Chromium, bytes transferred, scale 1)", ""]  # fmt: skip
    for name, (first, repeat) in s1["weight"].items():
        lines.append(f"- {name}: first visit {first / 1024:.0f} KB, repeat visit {repeat / 1024:.1f} KB")
    lines += ["", "## EXPLAIN ANALYZE at scale 100", ""]
    for name, plan in s100["explain"].items():
        lines += [f"### {name}", "", "```", *plan, "```", ""]
    results = ROOT / "bench" / "RESULTS.md"
    old = results.read_text() if results.exists() else ""
    lighthouse = re.search(r"## Lighthouse\n.*?(?=\n## |\Z)", old, re.S)
    text = "\n".join(lines).rstrip() + "\n"
    if lighthouse:
        text += "\n" + lighthouse.group(0).rstrip() + "\n"
    results.write_text(text)


if __name__ == "__main__":
    main()
