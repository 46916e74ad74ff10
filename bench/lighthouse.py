"""Lighthouse (npm package, Debian's Chromium) on the production stack for the home, inspection
and standard pages. Prints the scores and writes them to bench/RESULTS.md (section "Lighthouse").

    python bench/lighthouse.py
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import ROOT, manage, production_environment, public_paths, start_gunicorn  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices"]


def run(url):
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "report.json"
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
             f"--only-categories={','.join(CATEGORIES)}", "--chrome-path=/usr/bin/chromium",
             "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking"],
            check=True, capture_output=True, timeout=180, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
        )  # fmt: skip
        report = json.loads(output.read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = [
        audit["title"]
        for audit in report["audits"].values()
        if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
    ]
    return scores, failing


def main():
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run `npm install`")
    environment = production_environment()
    manage(environment, "migrate", "--noinput")
    manage(environment, "load_bundled_data")
    paths = public_paths(environment)
    pages = {
        "home": "/",
        "inspection": paths[5],
        "standard (inspection)": paths[6],
        "standard (all providers)": paths[7],
    }
    process, url = start_gunicorn(environment, workers=2)
    rows = []
    try:
        for name, path in pages.items():
            scores, failing = run(url + path)
            rows.append((name, path, scores, failing))
            print(name, path, scores, failing)
    finally:
        process.terminate()
        process.wait(timeout=30)
    lines = [
        "## Lighthouse",
        "",
        f"Lighthouse 12.8 (npm), Debian's Chromium, default mobile emulation with simulated throttling; the production "
        f"stack (gunicorn + WhiteNoise, DEBUG=false) on loopback. {datetime.date.today():%-d %B %Y}, "
        f"{platform.machine()}, {os.cpu_count()} cores. `python bench/lighthouse.py` writes this section.",
        "",
        "| page | path | performance | accessibility | best practices |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {name} | `{path}` | {s['performance']} | {s['accessibility']} | {s['best-practices']} |"
            for name, path, s, _ in rows
        ),
        "",
    ]
    results = ROOT / "bench" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n\n"
    text = re.sub(r"## Lighthouse\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n" + "\n".join(lines)
    results.write_text(text)


if __name__ == "__main__":
    main()
