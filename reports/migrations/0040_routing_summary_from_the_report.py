"""The routing summary's triggers look up a report's other routings by the report.

The triggers of 0032 asked "does another routing of this report give it this kind?"
with a join the planner drove from the kind: every group of the kind, then every
routing of those groups, filtered by the report. A report filed in a province with a
thousand groups of one kind read their whole history of routings: about 2 ms per
intake on the demo's data, growing with the reports. Here the other routings of the
reports concerned are found first, through the report's own index, and only then
matched to kinds.
"""

import importlib
import re

from django.db import migrations

SUMMARY = "reports_routingsummary"
ROUTINGS = "reports_reportassignment"
KINDS = "groups_selfmanagementgroup_model_types"

FUNCTIONS = f"""
-- Routings added by one statement: +1 per (report, kind) the report did not have.
CREATE OR REPLACE FUNCTION reports_routing_summary_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH others AS MATERIALIZED (
        -- The reports' routings from before this statement, found by report.
        SELECT DISTINCT o.report_id, ok.modeltype_id AS kind
        FROM {ROUTINGS} AS o
        JOIN {KINDS} AS ok ON ok.selfmanagementgroup_id = o.group_id
        WHERE o.report_id IN (SELECT report_id FROM added)
          AND o.id NOT IN (SELECT id FROM added)
    )
    INSERT INTO {SUMMARY} (month, ward_id, kind_id, reports)
    SELECT reports_local_month(r.created_at), r.ward_id, pairs.kind, count(*)
    FROM (
        SELECT DISTINCT n.report_id, gk.modeltype_id AS kind
        FROM added AS n JOIN {KINDS} AS gk ON gk.selfmanagementgroup_id = n.group_id
    ) AS pairs
    JOIN reports_report AS r ON r.id = pairs.report_id
    WHERE NOT EXISTS (
        SELECT 1 FROM others AS o WHERE o.report_id = pairs.report_id AND o.kind = pairs.kind
    )
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3  -- rows locked in one order: concurrent intakes never deadlock
    ON CONFLICT (month, ward_id, kind_id)
    DO UPDATE SET reports = {SUMMARY}.reports + EXCLUDED.reports;
    RETURN NULL;
END $$;

-- Routings removed by one statement: -1 per (report, kind) no routing left gives.
CREATE OR REPLACE FUNCTION reports_routing_summary_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH remaining AS MATERIALIZED (
        SELECT DISTINCT o.report_id, ok.modeltype_id AS kind
        FROM {ROUTINGS} AS o
        JOIN {KINDS} AS ok ON ok.selfmanagementgroup_id = o.group_id
        WHERE o.report_id IN (SELECT report_id FROM removed)
    )
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
            SELECT 1 FROM remaining AS o
            WHERE o.report_id = pairs.report_id AND o.kind = pairs.kind
        )
        GROUP BY 1, 2, 3
    ) AS gone
    WHERE s.month = gone.month AND s.ward_id = gone.ward AND s.kind_id = gone.kind;
    RETURN NULL;
END $$;
"""  # noqa: S608 - the names above are constants


def _before() -> str:
    """The two functions as 0032 made them, to go back to."""
    created = importlib.import_module("reports.migrations.0032_routing_summary").FUNCTIONS
    bodies = re.findall(
        r"CREATE FUNCTION reports_routing_summary_(?:added|removed)\(\).*?END \$\$;",
        created,
        flags=re.S,
    )
    if len(bodies) != 2:
        raise RuntimeError("0032's trigger functions not found")
    return "\n".join(
        body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION") for body in bodies
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0038_field_names_in_words")]

    operations = [migrations.RunSQL(FUNCTIONS, reverse_sql=_before())]
