"""Extraction accuracy of the report importer on the shared report texts.

Compares what the parser reads from the report texts in tests/fixtures/reports/ with the hand-checked bundled data
(inspections/data/reports/*.toml) and prints, per text, values right / values the bundled file
holds from that text. Run: .venv/bin/python bench/importer_accuracy.py
"""

import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

import django  # noqa: E402

django.setup()

from inspections.report_import import build_plan  # noqa: E402

SHARED = ROOT / "tests" / "fixtures" / "reports"
DATA = ROOT / "inspections" / "data" / "reports"


def norm(text):
    return " ".join(str(text).replace("’", "'").split()).rstrip(".").lower()


def score(label, pairs):
    right = sum(1 for expected, got in pairs if got is not None and norm(expected) == norm(got))
    return label, right, len(pairs)


def compare(text_name, bundled_name):
    plan = build_plan((SHARED / text_name).read_bytes(), text_name)
    bundled = tomllib.loads((DATA / bundled_name).read_text())
    report_sources = {s["slug"] for s in bundled.get("sources", []) if s.get("kind") == "report"}
    rows = []
    details = []
    for key, field in (("lead_inspector", "lead_inspector"), ("chief_inspector", "chief_inspector")):
        if key in bundled:
            got = plan.data.get(field) or (
                plan.extraction.fields[field].value if field in plan.extraction.fields else None
            )
            details.append((bundled[key], got))
    details.append(
        (
            bundled["published"][:7],
            (plan.extraction.fields.get("published").value if "published" in plan.extraction.fields else "")[:7],
        )
    )
    if "fieldwork_start" in bundled:
        details.append((bundled["fieldwork_start"], plan.data.get("fieldwork_start")))
    parsed = {entry["provider"]: entry for entry in plan.data["inspections"]}
    for inspection in bundled["inspections"]:
        details.append((inspection["provider"], inspection["provider"] if inspection["provider"] in parsed else None))
        got = parsed.get(inspection["provider"], {})
        if "overall" in inspection:
            details.append((inspection["overall"], got.get("overall")))
        if "case_sample_size" in inspection:
            details.append((inspection["case_sample_size"], got.get("case_sample_size")))
    rows.append(score("details", details))
    ratings, facts, findings, scores = [], [], [], []
    for inspection in bundled["inspections"]:
        got = parsed.get(inspection["provider"], {})
        got_ratings = {r["standard"]: r for r in got.get("ratings", [])}
        for rating in inspection.get("ratings", []):
            if rating["source"] not in report_sources:
                continue
            found = got_ratings.get(rating["standard"], {})
            ratings.append(
                (rating.get("rating") or rating.get("judgement"), found.get("rating") or found.get("judgement"))
            )
        got_facts = {norm(f["value"]) + "|" + norm(f.get("national", "")) for f in got.get("facts", [])}
        for fact in inspection.get("facts", []):
            if fact["source"] not in report_sources:
                continue
            key = norm(fact["value"]) + "|" + norm(fact.get("national", ""))
            facts.append((key, key if key in got_facts else None))
        got_findings = {norm(f["text"]) for f in got.get("findings", [])}
        for finding in inspection.get("findings", []):
            findings.append((finding["text"], finding["text"] if norm(finding["text"]) in got_findings else None))
        got_scores = {s["key_question"]: str(s["percent"]) for s in got.get("scores", [])}
        for entry in inspection.get("scores", []):
            scores.append((str(entry["percent"]), got_scores.get(entry["key_question"])))
    joint_got = {norm(f["text"]) for f in plan.data.get("findings", [])}
    for finding in bundled.get("findings", []):
        findings.append(
            (
                finding["text"],
                finding["text"]
                if norm(finding["text"]) in joint_got or any(norm(finding["text"]) in g for g in joint_got)
                else None,
            )
        )
    for fact in bundled.get("facts", []):
        key = norm(fact["value"])
        findings_facts = {norm(f["value"]) for f in plan.data.get("facts", [])}
        facts.append((key, key if key in findings_facts else None))
    got_recs = {r["number"]: r for r in plan.data.get("recommendations", [])}
    recs = [
        (
            r["addressee"] + " | " + r["text"],
            (got_recs[r["number"]]["addressee"] + " | " + got_recs[r["number"]]["text"])
            if r["number"] in got_recs
            else None,
        )
        for r in bundled.get("recommendations", [])
    ]
    got_tables = {t["number"]: t for t in plan.data.get("tables", [])}
    tables = [
        (t["rows"][-1][0], got_tables[t["number"]]["rows"][-1][0] if t["number"] in got_tables else None)
        for t in bundled.get("tables", [])
    ]
    for label, pairs in (
        ("ratings/judgements", ratings),
        ("facts", facts),
        ("scores", scores),
        ("recommendations", recs),
        ("findings", findings),
        ("tables", tables),
    ):
        if pairs:
            rows.append(score(label, pairs))
    return rows


def main():
    total_right = total = 0
    for text_name, bundled_name in (
        ("cheshire-greater-manchester-crc-2019-report-extract.txt", "cheshire-greater-manchester-crc-2019-04.toml"),
        ("greater-manchester-quality-impact-2017-report.txt", "greater-manchester-quality-impact-2017-02.toml"),
    ):
        print(text_name)
        for label, right, count in compare(text_name, bundled_name):
            print(f"  {label:20} {right:3} / {count:3}")
            total_right += right
            total += count
    print(f"all values: {total_right} / {total} = {100 * total_right / total:.1f}%")


if __name__ == "__main__":
    main()
