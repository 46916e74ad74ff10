"""The compare page: a type-to-find chooser that keeps the chosen inspections in the URL, the
comparison of two to four, bad input as a 400 or 404, and fixed query counts; and the API's
type-to-find endpoint its script reads."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape

from inspections.models import Inspection
from tests.test_pages import PageTestCase

COMPARE = reverse("dashboard:compare")
SUGGEST = "/api/v1/suggest/inspections"


def compare_url(*pks, **params):
    return COMPARE + "?" + urlencode([("inspection", pk) for pk in pks] + list(params.items()))


class CompareTestCase(PageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dorset = Inspection.objects.get(provider__slug="dorset-devon-cornwall-crc")
        cls.nps_2019 = Inspection.objects.get(provider__slug="nps-north-west", report__published__year=2019)
        cls.hiow = Inspection.objects.get(provider__slug="hampshire-isle-of-wight-crc", report__published__year=2019)

    def matches(self, response):
        return [inspection for inspection, _add in response.context["matches"]]


class ChooserTests(CompareTestCase):
    def test_the_chooser_alone_is_a_search_field_not_a_list_of_every_inspection(self):
        response = self.client.get(COMPARE)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<label for="id_q">Find an inspection to add</label>', html=True)
        self.assertContains(response, 'data-suggest-url="/api/v1/suggest/inspections"')
        self.assertNotContains(response, "<option")
        self.assertNotContains(response, self.cgm.provider.name)
        self.assertContains(response, "Chosen: 0 of 4")

    def test_the_page_weighs_the_same_whatever_the_number_of_inspections(self):
        urls = (COMPARE, compare_url(self.cgm.pk, self.west_yorkshire.pk))
        before = [len(self.client.get(url).content) for url in urls]
        self.add_inspections(30)
        self.assertEqual([len(self.client.get(url).content) for url in urls], before)

    def test_typing_a_provider_name_lists_its_inspections_to_add(self):
        response = self.client.get(compare_url(q="Dorset"))
        self.assertEqual(self.matches(response), [self.dorset])
        self.assertContains(response, f'href="{compare_url(self.dorset.pk)}"')
        self.assertContains(
            response, 'Add <span class="match-name">Dorset, Devon &amp; Cornwall CRC (15 February 2019)'
        )

    def test_every_word_must_match_a_name_area_owner_kind_round_or_year(self):
        purple_2019 = self.matches(self.client.get(compare_url(q="purple futures 2019")))
        self.assertIn(self.cgm, purple_2019)
        self.assertIn(self.hiow, purple_2019)
        self.assertTrue(all(i.owner.slug == "purple-futures" for i in purple_2019))
        self.assertTrue(all(i.report.published.year == 2019 for i in purple_2019))
        self.assertEqual(
            {i.provider.slug for i in self.matches(self.client.get(compare_url(q="NPS")))}, {"nps-north-west"}
        )
        by_round = self.matches(self.client.get(compare_url(q="Thames 2018-19")))
        self.assertEqual([i.report.slug for i in by_round], ["thames-valley-crc-2018-undated"])
        self.assertEqual(self.matches(self.client.get(compare_url(q="Cheshire and Greater Manchester"))), [self.cgm])

    def test_an_undated_inspection_is_named_by_its_round(self):
        response = self.client.get(compare_url(q="Thames Valley"))
        self.assertContains(response, "Thames Valley CRC (date not stated, 2018-19 round)")

    def test_inspections_without_four_point_ratings_are_never_offered(self):
        self.assertNotIn(self.cgm_qi, self.matches(self.client.get(compare_url(q="Manchester"))))

    def test_nothing_matching_says_so_and_suggests_what_to_type(self):
        response = self.client.get(compare_url(q="Atlantis"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No inspection matches “Atlantis”")
        self.assertEqual(self.client.get(compare_url(q="&&&")).context["matches"], [])

    def test_matches_are_capped_and_the_page_says_there_are_more(self):
        self.add_inspections(25)
        response = self.client.get(compare_url(q="Extra"))
        self.assertEqual(len(response.context["matches"]), 20)
        self.assertContains(response, "More than 20 inspections match")
        self.assertNotContains(self.client.get(compare_url(q="Dorset")), "More than")

    def test_chosen_inspections_stay_in_the_url_and_are_not_offered_again(self):
        response = self.client.get(compare_url(self.cgm.pk, q="Purple 2019"))
        self.assertContains(response, f'<input type="hidden" name="inspection" value="{self.cgm.pk}">', html=True)
        self.assertNotIn(self.cgm, self.matches(response))
        self.assertContains(response, f'href="{escape(compare_url(self.cgm.pk, self.hiow.pk))}"')
        self.assertContains(response, "Add at least one more inspection to compare.")
        self.assertNotIn("inspections", response.context)

    def test_compare_with_from_an_inspection_page_chooses_it(self):
        response = self.client.get(COMPARE, {"with": self.cgm.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual([i for i, _remove in response.context["chosen"]], [self.cgm])
        self.assertContains(response, f'<input type="hidden" name="inspection" value="{self.cgm.pk}">', html=True)

    def test_each_chosen_inspection_can_be_removed(self):
        response = self.client.get(compare_url(self.cgm.pk, self.west_yorkshire.pk))
        self.assertContains(response, f'href="{compare_url(self.west_yorkshire.pk)}"')
        self.assertContains(response, f'href="{compare_url(self.cgm.pk)}"')
        self.assertContains(
            response,
            '<span class="visually-hidden"> Cheshire &amp; Greater Manchester CRC (3 April 2019)</span>',
            html=True,
        )

    def test_the_same_inspection_twice_is_chosen_once(self):
        response = self.client.get(compare_url(self.cgm.pk, self.cgm.pk, self.west_yorkshire.pk))
        self.assertEqual(len(response.context["inspections"]), 2)


class ComparisonTests(CompareTestCase):
    def test_two_to_four_inspections_side_by_side(self):
        response = self.client.get(compare_url(self.cgm.pk, self.west_yorkshire.pk))
        self.assertEqual(len(response.context["inspections"]), 2)
        self.assertIn("compare-ratings", response.context["charts"])
        self.assertContains(response, "Cheshire &amp; Greater Manchester CRC (3 April 2019)")
        self.assertContains(response, "Find an inspection to add")

    def test_four_is_the_most_and_the_search_field_gives_way(self):
        response = self.client.get(
            compare_url(self.cgm.pk, self.west_yorkshire.pk, self.dorset.pk, self.hiow.pk, q="NPS")
        )
        self.assertEqual(len(response.context["inspections"]), 4)
        self.assertContains(response, "Four is the most we compare at once")
        self.assertNotContains(response, 'name="q"')
        self.assertEqual(response.context["matches"], [])

    def test_a_chart_embeds_from_a_comparison_and_an_unknown_chart_is_a_404(self):
        url = compare_url(self.cgm.pk, self.west_yorkshire.pk)
        self.assertContains(self.client.get(url + "&embed=compare-ratings"), "See the full page and every source")
        self.assertEqual(self.client.get(COMPARE, {"embed": "compare-ratings"}).status_code, 404)


class CompareChartTests(CompareTestCase):
    def test_two_columns_are_named_and_more_are_numbered_with_the_title_saying_which_is_which(self):
        two = self.client.get(compare_url(self.cgm.pk, self.west_yorkshire.pk)).context["charts"]["compare-ratings"]
        self.assertEqual(
            two.figure["layout"]["xaxis"]["categoryarray"],
            ["Cheshire & Greater<br>Manchester CRC, 3<br>April 2019", "West Yorkshire<br>CRC, March 2020"],
        )
        three = self.client.get(compare_url(self.cgm.pk, self.west_yorkshire.pk, self.dorset.pk))
        chart = three.context["charts"]["compare-ratings"]
        self.assertEqual(chart.figure["layout"]["xaxis"]["categoryarray"], ["1", "2", "3"])
        self.assertEqual(
            chart.title,
            "Standard ratings side by side: 1 Cheshire & Greater Manchester CRC (3 April 2019); "
            "2 Dorset, Devon & Cornwall CRC (15 February 2019); 3 West Yorkshire CRC (March 2020)",
        )


class BadInputTests(CompareTestCase):
    def assertRefused(self, url, message):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 400, url)
        self.assertContains(response, message, status_code=400)
        self.assertContains(response, "Start again", status_code=400)
        return response

    def test_more_than_four_is_a_400(self):
        five = Inspection.objects.rated().values_list("pk", flat=True)[:5]
        self.assertRefused(compare_url(*five), "Compare at most 4 inspections at once; you chose 5.")

    def test_unknown_unrated_or_garbage_numbers_are_a_400_naming_them(self):
        self.assertRefused(compare_url(999999, self.cgm.pk), "There is no inspection number 999999")
        self.assertRefused(compare_url(self.cgm_qi.pk, self.cgm.pk), f"There is no inspection number {self.cgm_qi.pk}")
        self.assertRefused(compare_url("abc", self.cgm.pk), "“abc” is not an inspection number.")
        self.assertRefused(compare_url("9" * 25), "There is no inspection number")
        self.assertRefused(COMPARE + "?with=abc", "“abc” is not an inspection number.")

    def test_a_refused_choice_is_not_carried_into_the_next_search(self):
        response = self.assertRefused(compare_url(999999, self.cgm.pk), "999999")
        self.assertNotContains(response, 'type="hidden"', status_code=400)

    def test_an_overlong_search_is_a_400(self):
        self.assertRefused(compare_url(q="x" * 101), "at most 100 characters")


class QueryBudgetTests(CompareTestCase):
    def test_the_chooser_alone(self):
        self.assertFixedQueries(COMPARE, 1)

    def test_the_chooser_with_matches(self):
        self.assertFixedQueries(compare_url(self.cgm.pk, q="purple"), 5)

    def test_two_inspections(self):
        self.assertFixedQueries(compare_url(self.cgm.pk, self.west_yorkshire.pk), 5)

    def test_four_inspections(self):
        self.assertFixedQueries(compare_url(self.cgm.pk, self.west_yorkshire.pk, self.dorset.pk, self.nps_2019.pk), 5)


class SuggestApiTests(CompareTestCase):
    def test_matching_inspections_with_labels_and_links(self):
        body = self.client.get(SUGGEST, {"q": "dorset"}).json()
        self.assertFalse(body["more"])
        [found] = body["results"]
        self.assertEqual(found["id"], self.dorset.pk)
        self.assertEqual(found["label"], "Dorset, Devon & Cornwall CRC (15 February 2019)")
        self.assertEqual(found["overall_rating"], "Inadequate")
        self.assertEqual(found["published"], "2019-02-15")
        self.assertTrue(found["url"].endswith(self.dorset.get_absolute_url()))

    def test_at_most_twenty_in_a_fixed_number_of_queries(self):
        self.add_inspections(25)
        with self.assertNumQueries(2):  # the data version, the matches
            body = self.client.get(SUGGEST, {"q": "extra crc"}).json()
        self.assertEqual(len(body["results"]), 20)
        self.assertTrue(body["more"])

    def test_nothing_typed_suggests_nothing_and_an_overlong_query_is_a_400_naming_the_field(self):
        for params in ({}, {"q": ""}, {"q": "  &  "}):
            with self.subTest(params=params):
                self.assertEqual(self.client.get(SUGGEST, params).json(), {"results": [], "more": False})
        response = self.client.get(SUGGEST, {"q": "x" * 101})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["detail"][0]["field"], "q")

    def test_the_api_root_lists_it(self):
        paths = [endpoint["path"] for endpoint in self.client.get("/api/v1/").json()["endpoints"]]
        self.assertIn("http://testserver/api/v1/suggest/inspections", paths)
