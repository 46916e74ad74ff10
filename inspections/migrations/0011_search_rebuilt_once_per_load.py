# A load writes row by row, and each statement rebuilt the search entries of its whole report: a
# report of 60 findings was rebuilt 60 times. Inside a load the trigger now only notes the reports
# (inspections.search_pending, local to the transaction) and inspections_search_flush() rebuilds
# each once at the end (inspections.loader.search_rebuilt_once). Outside a load nothing changes.

from importlib import import_module

from django.db import migrations

# The trigger function as 0005 wrote it, with its one rebuild call made to wait inside a load.
TOUCH_AS_BEFORE = import_module("inspections.migrations.0005_search_entry").TOUCH_FUNCTION
REBUILD = "        PERFORM inspections_search_refresh(ids);\n"
TOUCH_DEFERRING = TOUCH_AS_BEFORE.replace(
    REBUILD,
    """        IF current_setting('inspections.search_deferred', true) = 'on' THEN
            PERFORM set_config(
                'inspections.search_pending',
                concat_ws(',', nullif(current_setting('inspections.search_pending', true), ''), array_to_string(ids, ',')),
                true
            );
        ELSE
            PERFORM inspections_search_refresh(ids);
        END IF;
""",
)
assert REBUILD in TOUCH_AS_BEFORE

FLUSH = """
CREATE OR REPLACE FUNCTION inspections_search_flush() RETURNS void AS $$
DECLARE
    pending text := nullif(current_setting('inspections.search_pending', true), '');
BEGIN
    PERFORM set_config('inspections.search_deferred', 'off', true);
    PERFORM set_config('inspections.search_pending', '', true);
    IF pending IS NOT NULL THEN
        PERFORM inspections_search_refresh(ARRAY(SELECT DISTINCT unnest(string_to_array(pending, ','))::bigint));
    END IF;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0010_inspection_standing"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[TOUCH_DEFERRING, FLUSH],
            reverse_sql=[TOUCH_AS_BEFORE, "DROP FUNCTION IF EXISTS inspections_search_flush();"],
        ),
    ]
