"""Reports routed to each model kind per month and commune/ward, kept by triggers.

See reports/models/routing_summary.py. The SQL functions and triggers:

- ``reports_local_month(timestamptz)``: the first day of the month in
  Asia/Ho_Chi_Minh, the dashboard's time zone;
- ``reports_routing_summary_rebuild(months, wards)``: the rows of those
  (month, commune/ward) pairs counted again from the reports;
- ``reports_routing_summary_rebuild_all()``: the whole table counted again
  (after a bulk load, and below to fill it);
- on ``reports_reportassignment``, after each INSERT and DELETE statement, the
  (report, kind) pairs the statement added or removed, counted only where no
  other routing of the report gives it that kind; after an UPDATE, the pairs'
  months rebuilt;
- on a group's kinds (``groups_selfmanagementgroup_model_types``) and on a
  report whose ward or time changes: the months and wards concerned rebuilt.
"""

from django.db import migrations, models

ZONE = "Asia/Ho_Chi_Minh"
SUMMARY = "reports_routingsummary"
ROUTINGS = "reports_reportassignment"
KINDS = "groups_selfmanagementgroup_model_types"

FUNCTIONS = f"""
CREATE FUNCTION reports_local_month(moment timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT date_trunc('month', moment AT TIME ZONE '{ZONE}')::date $$;

CREATE FUNCTION reports_routing_summary_rebuild(months date[], wards bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {SUMMARY} AS s
    USING unnest(months, wards) AS k(month, ward)
    WHERE s.month = k.month AND s.ward_id = k.ward;
    INSERT INTO {SUMMARY} (month, ward_id, kind_id, reports)
    SELECT k.month, k.ward, gk.modeltype_id, count(DISTINCT r.id)
    FROM (SELECT DISTINCT * FROM unnest(months, wards)) AS k(month, ward)
    JOIN reports_report AS r
      ON r.ward_id = k.ward
     AND r.created_at >= k.month::timestamp AT TIME ZONE '{ZONE}'
     AND r.created_at < (k.month + interval '1 month')::timestamp AT TIME ZONE '{ZONE}'
    JOIN {ROUTINGS} AS a ON a.report_id = r.id
    JOIN {KINDS} AS gk ON gk.selfmanagementgroup_id = a.group_id
    GROUP BY 1, 2, 3;
END $$;

CREATE FUNCTION reports_routing_summary_rebuild_all() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {SUMMARY};
    INSERT INTO {SUMMARY} (month, ward_id, kind_id, reports)
    SELECT reports_local_month(r.created_at), r.ward_id, pairs.kind, count(*)
    FROM (
        SELECT DISTINCT a.report_id, gk.modeltype_id AS kind
        FROM {ROUTINGS} AS a JOIN {KINDS} AS gk ON gk.selfmanagementgroup_id = a.group_id
    ) AS pairs
    JOIN reports_report AS r ON r.id = pairs.report_id
    GROUP BY 1, 2, 3;
END $$;

-- Routings added by one statement: +1 per (report, kind) the report did not have.
CREATE FUNCTION reports_routing_summary_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {SUMMARY} (month, ward_id, kind_id, reports)
    SELECT reports_local_month(r.created_at), r.ward_id, pairs.kind, count(*)
    FROM (
        SELECT DISTINCT n.report_id, gk.modeltype_id AS kind
        FROM added AS n JOIN {KINDS} AS gk ON gk.selfmanagementgroup_id = n.group_id
    ) AS pairs
    JOIN reports_report AS r ON r.id = pairs.report_id
    WHERE NOT EXISTS (
        SELECT 1 FROM {ROUTINGS} AS o
        JOIN {KINDS} AS ok ON ok.selfmanagementgroup_id = o.group_id
        WHERE o.report_id = pairs.report_id AND ok.modeltype_id = pairs.kind
          AND NOT EXISTS (SELECT 1 FROM added AS x WHERE x.id = o.id)
    )
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3  -- rows locked in one order: concurrent intakes never deadlock
    ON CONFLICT (month, ward_id, kind_id)
    DO UPDATE SET reports = {SUMMARY}.reports + EXCLUDED.reports;
    RETURN NULL;
END $$;

-- Routings removed by one statement: -1 per (report, kind) no routing left gives.
CREATE FUNCTION reports_routing_summary_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {SUMMARY} AS s SET reports = s.reports - gone.reports
    FROM (
        SELECT reports_local_month(r.created_at) AS month, r.ward_id AS ward,
               pairs.kind, count(*) AS reports
        FROM (
            SELECT DISTINCT d.report_id, gk.modeltype_id AS kind
            FROM removed AS d JOIN {KINDS} AS gk ON gk.selfmanagementgroup_id = d.group_id
        ) AS pairs
        JOIN reports_report AS r ON r.id = pairs.report_id
        WHERE NOT EXISTS (
            SELECT 1 FROM {ROUTINGS} AS o
            JOIN {KINDS} AS ok ON ok.selfmanagementgroup_id = o.group_id
            WHERE o.report_id = pairs.report_id AND ok.modeltype_id = pairs.kind
        )
        GROUP BY 1, 2, 3
    ) AS gone
    WHERE s.month = gone.month AND s.ward_id = gone.ward AND s.kind_id = gone.kind;
    RETURN NULL;
END $$;

-- Routings moved to another report or group: rebuild the months of both.
CREATE FUNCTION reports_routing_summary_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reports_routing_summary_rebuild(array_agg(month), array_agg(ward))
    FROM (
        SELECT DISTINCT reports_local_month(r.created_at) AS month, r.ward_id AS ward
        FROM (SELECT report_id FROM added UNION SELECT report_id FROM removed) AS c
        JOIN reports_report AS r ON r.id = c.report_id
    ) AS keys;
    RETURN NULL;
END $$;

-- A group's kinds changed: rebuild the months and wards of the reports routed to it.
CREATE FUNCTION reports_routing_summary_kinds_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reports_routing_summary_rebuild(array_agg(month), array_agg(ward))
    FROM (
        SELECT DISTINCT reports_local_month(r.created_at) AS month, r.ward_id AS ward
        FROM (
            SELECT selfmanagementgroup_id FROM changed
        ) AS g
        JOIN {ROUTINGS} AS a ON a.group_id = g.selfmanagementgroup_id
        JOIN reports_report AS r ON r.id = a.report_id
    ) AS keys
    HAVING count(*) > 0;
    RETURN NULL;
END $$;

-- A report moved to another ward or time: rebuild both months.
CREATE FUNCTION reports_routing_summary_report_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reports_routing_summary_rebuild(
        ARRAY[reports_local_month(OLD.created_at), reports_local_month(NEW.created_at)],
        ARRAY[OLD.ward_id, NEW.ward_id]
    );
    RETURN NULL;
END $$;

CREATE TRIGGER reports_routing_summary_added AFTER INSERT ON {ROUTINGS}
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION reports_routing_summary_added();
CREATE TRIGGER reports_routing_summary_removed AFTER DELETE ON {ROUTINGS}
REFERENCING OLD TABLE AS removed
FOR EACH STATEMENT EXECUTE FUNCTION reports_routing_summary_removed();
CREATE TRIGGER reports_routing_summary_moved AFTER UPDATE ON {ROUTINGS}
REFERENCING OLD TABLE AS removed NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION reports_routing_summary_moved();
CREATE TRIGGER reports_routing_summary_kinds_added AFTER INSERT ON {KINDS}
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION reports_routing_summary_kinds_changed();
CREATE TRIGGER reports_routing_summary_kinds_removed AFTER DELETE ON {KINDS}
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION reports_routing_summary_kinds_changed();
CREATE TRIGGER reports_routing_summary_report_moved AFTER UPDATE OF ward_id, created_at
ON reports_report FOR EACH ROW
WHEN (OLD.ward_id IS DISTINCT FROM NEW.ward_id OR OLD.created_at IS DISTINCT FROM NEW.created_at)
EXECUTE FUNCTION reports_routing_summary_report_moved();

SELECT reports_routing_summary_rebuild_all();
"""  # noqa: S608 - the names above are constants

REVERSE = f"""
DROP TRIGGER reports_routing_summary_report_moved ON reports_report;
DROP TRIGGER reports_routing_summary_kinds_removed ON {KINDS};
DROP TRIGGER reports_routing_summary_kinds_added ON {KINDS};
DROP TRIGGER reports_routing_summary_moved ON {ROUTINGS};
DROP TRIGGER reports_routing_summary_removed ON {ROUTINGS};
DROP TRIGGER reports_routing_summary_added ON {ROUTINGS};
DROP FUNCTION reports_routing_summary_report_moved();
DROP FUNCTION reports_routing_summary_kinds_changed();
DROP FUNCTION reports_routing_summary_moved();
DROP FUNCTION reports_routing_summary_removed();
DROP FUNCTION reports_routing_summary_added();
DROP FUNCTION reports_routing_summary_rebuild_all();
DROP FUNCTION reports_routing_summary_rebuild(date[], bigint[]);
DROP FUNCTION reports_local_month(timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0014_public_directory"),
        ("reports", "0026_report_text_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="RoutingSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("reports", models.IntegerField()),
                (
                    "kind",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="groups.modeltype",
                    ),
                ),
                (
                    "ward",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="groups.area",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "ward", "kind"), name="routing_summary_month_ward_kind"
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
    ]
