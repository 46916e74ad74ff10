"""Accuracy of the report parser on the labelled corpus (tests/fixtures/corpus/labels.json).

Each text was labelled by hand with what it states about one inspection (see the corpus README).
Per field, over the whole corpus and over its held-out part (batch C, never used to tune the
parser): right, wrong (a value read that the label contradicts or does not have) and missed (a
labelled value not read). Uncertain readings count as read: the table says how many there were.
Run: .venv/bin/python bench/importer_accuracy.py [--list]
"""

import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")

import django  # noqa: E402

django.setup()

from inspections.quantities import parse_qualified_number  # noqa: E402
from inspections.report_parser import ReportImportError, parse_report, read_document  # noqa: E402
from inspections.report_parser.catalogue import bundled_catalogue  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
FIELDS = ["overall", "standards", "key_questions", "facts", "published", "fieldwork_start", "provider"]
LABEL_QUALIFIERS = {"exact": "exact", "": "exact", None: "exact"}


def labels():
    return json.loads((CORPUS / "labels.json").read_text())


def read(entry, catalogue=None):
    """The extraction of a corpus text, or the ReportImportError it raised."""
    standards, questions, providers = catalogue or bundled_catalogue()
    path = CORPUS / entry["file"]
    try:
        return parse_report(read_document(path.read_bytes(), path.name), standards, questions, providers)
    except ReportImportError as error:
        return error


def qualifier(words):
    if words in LABEL_QUALIFIERS:
        return LABEL_QUALIFIERS[words]
    return str(parse_qualified_number(f"{words} 1").qualifier)


def value_of(extraction, name):
    found = extraction.fields.get(name) if not isinstance(extraction, Exception) else None
    return (found.value, found) if found else (None, None)


def compare_single(field, stated, got, found, outcomes):
    if got is None:
        if stated is not None:
            outcomes.append((field, "missed", f"{stated}"))
        return
    flag = " (uncertain)" if found.uncertain else ""
    if stated is None:
        outcomes.append((field, "wrong", f"read {got!r}{flag} where the label has none ({found.location})"))
    elif field in ("published", "fieldwork_start") and len(str(got)) < len(str(stated)):
        outcomes.append((field, "missed", f"read only {got} of {stated}"))
    elif str(got)[: len(str(stated))].lower() == str(stated).lower():
        outcomes.append((field, "right" + ("?" if found.uncertain else ""), f"{got}"))
    else:
        outcomes.append((field, "wrong", f"read {got!r}{flag}, label {stated!r} ({found.location})"))


def compare_ratings(entry, extraction, outcomes):
    got = {} if isinstance(extraction, Exception) else extraction.ratings
    stated = {item["code"]: item["rating"] for item in entry.get("standards", [])}
    for code in sorted(set(stated) | set(got)):
        found = got.get(code)
        compare_single("standards", stated.get(code), found.value if found else None, found, outcomes)


def compare_scores(entry, extraction, outcomes):
    got = {} if isinstance(extraction, Exception) else {s.value["key_question"]: s for s in extraction.scores}
    stated = {item["code"]: item["percent"] for item in entry.get("key_questions", [])}
    for code in sorted(set(stated) | set(got)):
        found = got.get(code)
        value = float(found.value["percent"]) if found else None
        expected = float(stated[code]) if stated.get(code) is not None else None
        compare_single("key_questions", expected, value, found, outcomes)


def compare_facts(entry, extraction, outcomes):
    stated = [
        (parse_qualified_number(str(f["value"])).value, qualifier(f.get("qualifier"))) for f in entry.get("facts", [])
    ]
    matched = set()
    for found in [] if isinstance(extraction, Exception) else extraction.facts:
        stated_as = parse_qualified_number(str(found.value["value"]).rstrip("%"))
        number = found.value.get("number", stated_as.value)
        words = found.value.get("qualifier", str(stated_as.qualifier) or "exact")
        same = [i for i, (value, q) in enumerate(stated) if value == number and i not in matched]
        right = [i for i in same if stated[i][1] == words]
        if right:
            matched.add(right[0])
            outcomes.append(("facts", "right", f"{found.value['value']}"))
        else:
            outcomes.append(("facts", "wrong", f"read {words} {found.value['value']} ({found.location})"))
    for index, (value, words) in enumerate(stated):
        if index not in matched:
            outcomes.append(("facts", "missed", f"{words} {value}"))


def evaluate(entry, extraction):
    """[(field, 'right' | 'right?' | 'wrong' | 'missed', detail)] for one labelled text."""
    outcomes = []
    for field in ("overall", "published", "fieldwork_start"):
        compare_single(field, entry.get(field), *value_of(extraction, field), outcomes)
    compare_single("provider", entry.get("provider"), *value_of(extraction, "provider"), outcomes)
    compare_ratings(entry, extraction, outcomes)
    compare_scores(entry, extraction, outcomes)
    compare_facts(entry, extraction, outcomes)
    return outcomes


def table(rows):
    counts = {part: Counter() for part in ("whole", "held-out")}
    for entry, outcomes in rows:
        for field, outcome, _ in outcomes:
            for part in ("whole", "held-out") if entry.get("held_out") else ("whole",):
                counts[part][field, outcome.rstrip("?")] += 1
                if outcome.endswith("?"):
                    counts[part][field, "uncertain"] += 1
    lines = ["| field | " + " | ".join(f"{part}: right / wrong / missed (uncertain)" for part in counts) + " |"]
    lines.append("| --- | --- | --- |")
    for field in FIELDS:
        cells = []
        for part in counts:
            c = counts[part]
            cells.append(f"{c[field, 'right']} / {c[field, 'wrong']} / {c[field, 'missed']} ({c[field, 'uncertain']})")
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    for part in counts:
        c = counts[part]
        right = c["overall", "right"] + c["standards", "right"]
        stated = (
            right + c["overall", "wrong"] + c["standards", "wrong"] + c["overall", "missed"] + c["standards", "missed"]
        )
        texts = sum(1 for entry, _ in rows if part == "whole" or entry.get("held_out"))
        lines.append(f"{part}: {texts} texts; stated overall and standard ratings read right: {right} of {stated}")
    return "\n".join(lines)


def main():
    catalogue = bundled_catalogue()
    rows = [(entry, evaluate(entry, read(entry, catalogue))) for entry in labels()]
    if "--list" in sys.argv:
        for entry, outcomes in rows:
            for field, outcome, detail in outcomes:
                if outcome != "right":
                    print(f"{entry['file']}: {field} {outcome}: {detail}")
    print(table(rows))


if __name__ == "__main__":
    main()
