"""The data version becomes a sequence: TRUNCATE (a test flush, `manage.py flush`) cannot reset
it, so a version number never recurs with other data behind it."""

from django.db import migrations

FORWARD = [
    "CREATE SEQUENCE IF NOT EXISTS inspections_data_version",
    """CREATE OR REPLACE FUNCTION inspections_bump_data_version() RETURNS trigger AS $$
BEGIN
    PERFORM nextval('inspections_data_version');
    INSERT INTO inspections_dataversion (id, version, changed_at) VALUES (1, 0, now())
        ON CONFLICT (id) DO UPDATE SET changed_at = now();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
]
BACKWARD = [
    """CREATE OR REPLACE FUNCTION inspections_bump_data_version() RETURNS trigger AS $$
BEGIN
    UPDATE inspections_dataversion SET version = version + 1, changed_at = now() WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    "DROP SEQUENCE IF EXISTS inspections_data_version",
]


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_data_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
