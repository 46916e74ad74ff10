"""Search results say where their words come from, find providers and owners by name, highlight a
quoted phrase whole and mark where a snippet cuts the passage."""

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from inspections import search
from tests.base import load_test_bundle


class SnippetTests(SimpleTestCase):
    def test_an_ellipsis_marks_each_cut(self):
        body = "First sentence here. The middle has the word planning in it. Last words."
        headline = f"The middle has the word {search.START}planning{search.STOP} in it."
        self.assertEqual(
            str(search.snippet(headline, body)), "… The middle has the word <mark>planning</mark> in it. …"
        )

    def test_a_whole_passage_has_no_ellipsis(self):
        body = "Planning is poor."
        self.assertEqual(
            str(search.snippet(f"{search.START}Planning{search.STOP} is poor.", body)), "<mark>Planning</mark> is poor."
        )

    def test_a_quoted_phrase_is_highlighted_whole(self):
        html = "Through the <mark>Gate</mark> practice is poor"
        self.assertEqual(
            str(search.highlighted_phrases(html, '"through the gate"')),
            "<mark>Through the Gate</mark> practice is poor",
        )

    def test_highlights_join_across_short_words(self):
        self.assertEqual(
            str(search.highlighted_phrases("<mark>domestic</mark> and <mark>abuse</mark>")),
            "<mark>domestic and abuse</mark>",
        )


class SearchPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def get(self, q):
        return self.client.get(reverse("dashboard:search"), {"q": q})

    def test_provider_and_owner_names_are_found(self):
        response = self.get("Dorset")
        self.assertContains(response, reverse("dashboard:provider", args=["dorset-devon-cornwall-crc"]))
        self.assertContains(self.get("Purple"), reverse("dashboard:owner", args=["purple-futures"]))

    def test_each_result_is_labelled_by_its_source_kind(self):
        response = self.get('"through the gate"')
        page = response.content.decode()
        self.assertIn('<span class="source-kind">Report</span>', page)
        self.assertIn('<span class="source-kind">Blog</span>', page)
        self.assertIn("its words, not the inspection report’s", page)
        self.assertIn("<mark>Through the Gate</mark>", page)

    def test_the_query_count_is_fixed(self):
        # version, has-searchable-words, four filters' choices (the provider is typed), count, one
        # page of results, the passages' sources (one union), provider and owner names (one union)
        with self.assertNumQueries(10):
            self.get("supervision")
        with self.assertNumQueries(10):
            self.get('"through the gate" OR planning')
