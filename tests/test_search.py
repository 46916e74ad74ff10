"""Full-text search: the trigger-kept index, ranking, highlighting, filters, paging, bad queries."""

import datetime

from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from inspections import search
from inspections.models import (
    Finding,
    Inspection,
    OwnerGroup,
    Provider,
    ProviderKind,
    Recommendation,
    SearchEntry,
    StandardRating,
)
from inspections.rules import Rating
from tests.base import CatalogueMixin, admin_form_data


def results(text, **filters):
    return list(search.search(search.parse_query(text), **filters))


class SearchTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.inspection.owner = cls.owner
        cls.inspection.save()
        planning = cls.standard("2.2")
        cls.heading_match = Finding.objects.create(
            report=cls.report,
            inspection=cls.inspection,
            kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
            standard=planning,
            domain=planning.domain,
            text="Too few cases had a sentence plan that addressed the main risks.",
            source=cls.source,
        )
        cls.passing_mention = Finding.objects.create(
            report=cls.report,
            inspection=cls.inspection,
            kind=Finding.Kind.STRENGTH,
            standard=cls.standard("1.2"),
            text="Staff were positive about training, although workload planning was rarely discussed with them.",
            source=cls.source,
        )
        cls.home_visits = Recommendation.objects.create(
            report=cls.report,
            inspection=cls.inspection,
            number=1,
            addressee="Cheshire & Greater Manchester CRC",
            text="Make sure home visits are carried out where there are domestic abuse concerns.",
            source=cls.source,
        )
        other_provider = Provider.objects.create(slug="dtv", name="Durham Tees Valley CRC", kind=ProviderKind.CRC)
        cls.other_owner = OwnerGroup.objects.create(slug="arch", name="ARCC")
        other_report = cls.make_report("dtv-2020", "An inspection of Durham Tees Valley CRC", datetime.date(2020, 1, 1))
        cls.other = Inspection.objects.create(
            report=other_report, provider=other_provider, owner=cls.other_owner, source=cls.source
        )
        cls.other_home_visits = Finding.objects.create(
            report=other_report,
            inspection=cls.other,
            kind=Finding.Kind.KEY_FINDING,
            text="Home visits had stopped in most cases since the pandemic.",
            source=cls.source,
        )

    def test_every_kind_of_text_is_indexed_by_the_database(self):
        StandardRating.objects.create(
            inspection=self.inspection,
            standard=self.standard("2.1"),
            rating=Rating.INADEQUATE,
            narrative="Assessments rarely drew on information from children's social care.",
            source=self.source,
        )
        Inspection.objects.filter(pk=self.inspection.pk).update(summary="Rehabilitation activity requirements lag.")
        kinds = set(SearchEntry.objects.filter(report=self.report).values_list("kind", flat=True))
        self.assertEqual(kinds, {"finding", "recommendation", "standard", "summary"})
        self.assertEqual([e.kind for e in results("social care")], ["standard"])
        self.assertEqual([e.kind for e in results("rehabilitation activity")], ["summary"])

    def test_a_heading_match_ranks_above_a_passing_mention(self):
        found = results("planning")
        self.assertEqual([e.source_id for e in found], [self.heading_match.pk, self.passing_mention.pk])
        self.assertGreater(found[0].rank, found[1].rank)

    def test_phrase_prefix_or_and_exclusion(self):
        self.assertEqual([e.source_id for e in results('"domestic abuse"')], [self.home_visits.pk])
        self.assertEqual(results('"abuse domestic"'), [])
        self.assertEqual(len(results("home visits")), 2)
        self.assertEqual([e.source_id for e in results("home visits -pandemic")], [self.home_visits.pk])
        self.assertEqual(len(results("pandemic OR training")), 2)
        # The English stem of "planning" is "plan": a prefix on the unstemmed words still finds it.
        self.assertEqual({e.source_id for e in results("plann*")}, {self.heading_match.pk, self.passing_mention.pk})
        self.assertEqual([e.source_id for e in results("pandem*")], [self.other_home_visits.pk])

    def test_highlights_are_escaped_and_marked(self):
        Finding.objects.filter(pk=self.other_home_visits.pk).update(
            text='<script>alert(1)</script> Visits & checks "stopped" <img src=x onerror=alert(1)>'
        )
        entry = results("visits", provider=self.other.provider)[0]
        html = search.highlighted(entry.headline)
        self.assertIn("<mark>Visits</mark> &amp; checks &quot;stopped&quot;", html)
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)

    def test_filters(self):
        self.assertEqual(
            [e.source_id for e in results("home visits", provider=self.other.provider)], [self.other_home_visits.pk]
        )
        self.assertEqual([e.source_id for e in results("home visits", owner=self.owner)], [self.home_visits.pk])
        self.assertEqual([e.source_id for e in results("home visits", year=2020)], [self.other_home_visits.pk])
        self.assertEqual(len(results("planning", standard=self.standard("2.2"))), 1)
        self.assertEqual(len(results("home visits", framework=self.framework)), 2)
        self.assertEqual([e.kind for e in results("home visits", kind="recommendation")], ["recommendation"])

    def test_joint_text_is_found_under_either_provider(self):
        joint = Finding.objects.create(
            report=self.report,
            kind=Finding.Kind.JOINT_JUDGEMENT,
            text="Joint work on resettlement was weak.",
            source=self.source,
        )
        self.assertEqual([e.source_id for e in results("resettlement", provider=self.crc)], [joint.pk])
        self.assertEqual(results("resettlement", provider=self.other.provider), [])
        entry = results("resettlement")[0]
        self.assertEqual(entry.get_absolute_url(), f"/inspections/{self.inspection.pk}/#finding-{joint.pk}")

    def test_the_index_follows_edits_and_deletes(self):
        Finding.objects.filter(pk=self.passing_mention.pk).update(text="Caseloads were too high.")
        self.assertEqual([e.source_id for e in results("planning")], [self.heading_match.pk])
        self.assertEqual(len(results("caseloads")), 1)
        self.standard("2.2").__class__.objects.filter(pk=self.standard("2.2").pk).update(name="Sentence planning")
        self.assertIn("Sentence planning", results("planning")[0].heading)
        Finding.objects.filter(pk=self.heading_match.pk).delete()
        self.assertEqual(results("sentence plan addressed"), [])
        self.report.delete()
        self.assertFalse(SearchEntry.objects.filter(report_id=self.report.pk).exists())

    def test_the_index_uses_the_gin_index(self):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            queryset = SearchEntry.objects.filter(document=search.parse_query("home visits").query)
            plan = queryset.order_by().explain()
            cursor.execute("SET enable_seqscan = on")
        self.assertIn("search_entry_document", plan)


class SearchPageTests(CatalogueMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_catalogue()
        cls.findings = [
            Finding.objects.create(
                report=cls.report,
                inspection=cls.inspection,
                kind=Finding.Kind.KEY_FINDING,
                text=f"Finding {number} about supervision of cases.",
                position=number,
                source=cls.source,
            )
            for number in range(45)
        ]
        cls.editor = User.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")

    def get(self, **params):
        return self.client.get(reverse("dashboard:search"), params)

    def test_results_are_paginated_with_stable_links_to_the_passage(self):
        response = self.get(q="supervision")
        page = response.content.decode()
        self.assertContains(response, "45 passages match")
        self.assertContains(response, "page 1 of 3")
        self.assertIn(f'href="/inspections/{self.inspection.pk}/#finding-', page)
        self.assertIn("<mark>supervision</mark>", page)
        self.assertIn("q=supervision&amp;page=2", page)
        last = self.get(q="supervision", page=3)
        self.assertEqual(last.content.decode().count("<li>\n      <h3>"), 5)
        self.assertEqual(self.get(q="supervision", page=4).status_code, 404)
        self.assertEqual(self.get(q="supervision", page="x").status_code, 404)

    def test_the_query_count_does_not_grow_with_the_results(self):
        # version, has-searchable-words, four filters' choices (the provider is typed: no list),
        # count, one page of results + the passages' sources and the provider and owner names
        # (one query each, on purpose)
        with self.assertNumQueries(10):
            self.get(q="supervision")
        # + the provider typed, looked up
        with self.assertNumQueries(11):
            self.get(q="supervision", provider="cheshire")

    def test_the_provider_filter_is_typed_never_a_list_of_every_provider(self):
        typed_forms = (
            "cgm-crc",
            "cheshire",
            "CGM",
            "Cheshire & Greater Manchester CRC",
            "cheshire and greater manchester",
        )
        for typed in typed_forms:
            with self.subTest(typed=typed):
                response = self.get(q="supervision", provider=typed)
                self.assertContains(response, "45 passages match")
                self.assertContains(response, 'name="provider" value="Cheshire &amp; Greater Manchester CRC"')
        self.assertNotContains(self.get(q="supervision"), 'value="nps-north-west"')
        Provider.objects.create(slug="cgm-north", name="Cheshire North CRC", kind=ProviderKind.CRC)
        several = self.get(q="supervision", provider="cheshire")
        self.assertContains(several, "names several providers", status_code=400)
        self.assertContains(several, "Cheshire North CRC", status_code=400)
        # Each provider the name could mean is offered as a search of its own, the words kept.
        self.assertContains(several, 'href="?provider=cgm-north&amp;q=supervision"', status_code=400)
        self.assertContains(several, 'href="?provider=cgm-crc&amp;q=supervision"', status_code=400)
        self.assertEqual(self.get(q="supervision", provider="cgm-crc").status_code, 200)
        self.assertContains(self.get(q="cases", provider="no-such"), "No provider is called", status_code=400)

    def test_empty_nonsense_and_common_word_queries_get_help_not_errors(self):
        self.assertContains(self.get(), "Try")
        self.assertContains(self.get(q=""), "Type something to search for")
        self.assertContains(self.get(q="the and of"), "too common to search on")
        self.assertContains(self.get(q="xqzvw"), "No passage matches")
        for odd in ['"', "-", "*", "&|!", "((", "a:*", "' OR 1=1 --", "\\", "x" * 300]:
            with self.subTest(query=odd):
                self.assertIn(self.get(q=odd).status_code, (200, 400))

    def test_bad_filters_are_a_400_naming_the_field(self):
        response = self.get(q="cases", year="abc")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Year:", status_code=400)
        self.assertEqual(self.get(q="cases", provider="no-such").status_code, 400)
        self.assertEqual(self.get(q="cases", standard="nope/9.9").status_code, 400)

    def test_an_admin_edit_is_searchable_at_once(self):
        self.client.force_login(self.editor)
        change_url = reverse("admin:inspections_inspection_change", args=[self.inspection.pk])
        data = admin_form_data(self.client.get(change_url))
        first = next(key for key, value in data.items() if key.endswith("-text") and "Finding 0 " in str(value))
        data[first] = "Offender managers rarely used interpreters."
        data["change_reason"] = "Test: typo in the finding."
        self.assertEqual(self.client.post(change_url, data).status_code, 302)
        self.client.logout()
        self.assertContains(self.get(q="interpreters"), "1 passage match")
        self.assertContains(self.get(q="supervision"), "44 passages match")
