from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from inspections.models import Inspection, Provider, StandardRating
from tests.base import load_test_bundle


class SyntheticDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_test_bundle()

    def test_it_refuses_a_database_with_real_data_unless_forced(self):
        with self.assertRaisesMessage(CommandError, "holds real inspections"):
            call_command("generate_synthetic", "--scale", "1", stdout=StringIO())

    def test_scale_one_adds_marked_providers_and_inspections(self):
        out = StringIO()
        call_command("generate_synthetic", "--scale", "1", "--force", stdout=out)
        synthetic = Inspection.objects.filter(provider__slug__startswith="synthetic-")
        self.assertEqual(Provider.objects.filter(slug__startswith="synthetic-").count(), 20)
        self.assertEqual(synthetic.count(), 60)
        self.assertTrue(StandardRating.objects.filter(inspection__in=synthetic).exists())
        self.assertTrue(all(i.source.title.startswith("SYNTHETIC") for i in synthetic.select_related("source")[:5]))
        self.assertIn("rows/s", out.getvalue())
