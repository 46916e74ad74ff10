"""The curl examples in docs/api.md give the output printed beside them.

These tests read the real bundled data on purpose: the docs show it, so a data correction that
changes an example's output must change the doc too."""

import json
import re
from pathlib import Path

from django.test import TestCase

from inspections.loader import load_bundled_data

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
HOST = "http://127.0.0.1:8000"
EXAMPLE = re.compile(
    r"```sh\ncurl -s '" + re.escape(HOST) + r"(?P<path>[^']+)'\n```\n\n```json\n(?P<output>.*?)\n```", re.S
)
COUNT = re.compile(
    r"```sh\ncurl -s '"
    + re.escape(HOST)
    + r"(?P<path>[^']+)' \| python3 -c '[^\n]*\[\"count\"\]\)'\n```\n\n```text\n(?P<output>\d+)\n```"
)


class ApiDocsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bundled_data()

    def test_the_json_examples_match(self):
        examples = list(EXAMPLE.finditer(DOC.read_text()))
        self.assertGreaterEqual(len(examples), 3)
        for example in examples:
            with self.subTest(path=example["path"]):
                response = self.client.get(example["path"])
                actual = json.loads(response.content.decode().replace("http://testserver", HOST))
                self.assertEqual(actual, json.loads(example["output"]))

    def test_the_count_examples_match(self):
        examples = list(COUNT.finditer(DOC.read_text()))
        self.assertGreaterEqual(len(examples), 1)
        for example in examples:
            with self.subTest(path=example["path"]):
                self.assertEqual(self.client.get(example["path"]).json()["count"], int(example["output"]))
