"""The database objects of the reports, outside Odoo's models.

Statistics over a million complaints must come back in well under a second.
Computing working days, local days and deadline outcomes from the wide
complaint table on every query cannot:

- ``huatai_complaint_report_fact``: one narrow row per complaint with its
  figures (``complaint_facts``), kept in the complaint's transaction by
  statement triggers on ``huatai_complaint`` (bulk SQL loads are covered too);
  the analysis view reads it and adds what depends on today or on the
  organisation tree.
- ``huatai_complaint_report_month``: the fact rows added up per month,
  accepting unit, type, confidentiality and archiving: what firm-wide
  statistics read instead of a million fact rows.
- ``huatai_complaint_report_month_delta``: the triggers on the fact table
  never update a row of the monthly totals in the complaint's transaction
  (concurrent intakes of one unit and month would contend on it and fail to
  serialize): they append the changes here (INSERT only, no index, no lock
  shared with another transaction). ``huatai_complaint_report_month_fold()``
  (a job every minute) adds them into the totals and deletes them; readers add
  the deltas not folded yet, so the figures are exact at any time.
- ``huatai_complaint_report_workday``: the working days the durations were
  computed on; when ``huatai_workday`` changes (a holiday schedule), its
  trigger recomputes the durations from the first date that differs.

``OBJECTS`` lists them all, in the order they are created: :func:`install`
creates them from it, :func:`uninstall` drops them from it (in reverse order),
and the uninstall test checks that none is left.
"""

import hashlib
from collections import namedtuple

from odoo.tools import SQL

from .complaint_facts import (
    MONTH_KEYS,
    MONTH_SUMS,
    REPORT_UTC_OFFSET_HOURS,
    fact_columns,
    fact_joins,
    off_table_index_function,
)

FACT_TABLE = "huatai_complaint_report_fact"
MONTH_TABLE = "huatai_complaint_report_month"
MONTH_DELTA_TABLE = "huatai_complaint_report_month_delta"
WORKDAY_SNAPSHOT_TABLE = "huatai_complaint_report_workday"
# bump when the fact table changes in a way its columns do not show
FACT_VERSION = 4
# the fold's transaction-level advisory lock: one fold at a time
MONTH_FOLD_LOCK = 720_110_612
# the trigger functions, and the transition tables their triggers pass on
FACT_UPSERT = "huatai_complaint_report_fact_upsert"
FACT_DELETE = "huatai_complaint_report_fact_delete"
MONTH_INSERT = "huatai_complaint_report_month_insert"
MONTH_UPDATE = "huatai_complaint_report_month_update"
MONTH_DELETE = "huatai_complaint_report_month_delete"
WORKDAY_SYNC = "huatai_workday_report_sync"
NEW_COMPLAINTS = "NEW TABLE AS huatai_complaint_new_rows"
OLD_COMPLAINTS = "OLD TABLE AS huatai_complaint_old_rows"
NEW_FACTS = "NEW TABLE AS huatai_fact_new"
OLD_FACTS = "OLD TABLE AS huatai_fact_old"

# kind: TABLE, FUNCTION or TRIGGER; on: a trigger's table; create: the SQL
# creating (or replacing) it, from the fact columns
DbObject = namedtuple("DbObject", "kind name on create", defaults=(None, None))


def _names(columns):
    return SQL(", ").join(SQL.identifier(name) for name, _t, _e in columns)


def _definitions(columns):
    return SQL(", ").join(
        SQL("%s %s", SQL.identifier(name), SQL(sqltype))
        for name, sqltype, _e in columns
    )


def _exprs(columns):
    return SQL(", ").join(SQL(expr) for _n, _t, expr in columns)


def _sums():
    return [name for name, _t, _e in MONTH_SUMS]


# ----------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------
def _fact_table(columns):
    fact = SQL.identifier(FACT_TABLE)
    # room left in each page for in-place (HOT) updates
    parts = [
        SQL("CREATE TABLE %s (%s) WITH (fillfactor = 90)", fact, _definitions(columns))
    ]
    for column in ("received_date", "accepting_unit_id", "handling_unit_id"):
        parts.append(
            SQL(
                "CREATE INDEX %s ON %s (%s)",
                SQL.identifier(f"{FACT_TABLE}_{column}_idx"),
                fact,
                SQL.identifier(column),
            )
        )
    # the clocks still running, in the monthly totals' order: the statistics
    # read them with an index-only scan, already grouped
    parts.append(
        SQL(
            "CREATE INDEX %s ON %s (received_month, accepting_unit_id, "
            "category_id) INCLUDE (accept_due, reply_due, regulator_due, "
            "callback_due, active, is_confidential) WHERE accept_due IS NOT "
            "NULL OR reply_due IS NOT NULL OR regulator_due IS NOT NULL OR "
            "callback_due IS NOT NULL",
            SQL.identifier(f"{FACT_TABLE}_running_idx"),
            fact,
        )
    )
    return SQL(";").join(parts)


def _month_table(_columns):
    month = SQL.identifier(MONTH_TABLE)
    # rewritten in place by every fold: room for in-place (HOT) updates, and
    # autovacuum after 2% of dead rows rather than 20%, so that the index
    # and scans stay compact
    return SQL(
        "CREATE TABLE %s (%s) WITH (fillfactor = 70, "
        "autovacuum_vacuum_scale_factor = 0.02, "
        "autovacuum_analyze_scale_factor = 0.02); "
        "CREATE UNIQUE INDEX %s ON %s (%s)",
        month,
        _definitions(MONTH_KEYS + MONTH_SUMS),
        SQL.identifier(f"{MONTH_TABLE}_key"),
        month,
        _names(MONTH_KEYS),
    )


def _month_delta_table(_columns):
    # inserted, then deleted by the fold every minute: vacuumed by dead
    # rows, whatever the table's size
    return SQL(
        "CREATE TABLE %s (%s) WITH (autovacuum_vacuum_scale_factor = 0, "
        "autovacuum_vacuum_threshold = 2000, "
        "autovacuum_vacuum_insert_scale_factor = 0, "
        "autovacuum_vacuum_insert_threshold = 2000)",
        SQL.identifier(MONTH_DELTA_TABLE),
        _definitions(MONTH_KEYS + MONTH_SUMS),
    )


def _workday_snapshot_table(_columns):
    return SQL(
        "CREATE TABLE %s (date date PRIMARY KEY, is_working boolean, "
        "workday_index integer)",
        SQL.identifier(WORKDAY_SNAPSHOT_TABLE),
    )


# ----------------------------------------------------------------------
# Functions
# ----------------------------------------------------------------------
def _off_table_index(_columns):
    return off_table_index_function()


def _trigger_function(name, body):
    return SQL(
        """
        CREATE OR REPLACE FUNCTION %s()
        RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            %s
            RETURN NULL;
        END
        $body$
        """,
        SQL.identifier(name),
        body,
    )


def _fact_upsert(columns):
    return _trigger_function(
        FACT_UPSERT,
        SQL(
            "INSERT INTO %(fact)s AS f (%(names)s) "
            "SELECT %(exprs)s FROM huatai_complaint_new_rows c %(joins)s "
            "ON CONFLICT (id) DO UPDATE SET %(updates)s "
            "WHERE (f.*) IS DISTINCT FROM (EXCLUDED.*);",
            fact=SQL.identifier(FACT_TABLE),
            names=_names(columns),
            exprs=_exprs(columns),
            joins=SQL(fact_joins()),
            updates=SQL(", ").join(
                SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                for name, _t, _e in columns
                if name != "id"
            ),
        ),
    )


def _fact_delete(_columns):
    return _trigger_function(
        FACT_DELETE,
        SQL(
            "DELETE FROM %s f USING huatai_complaint_old_rows o WHERE f.id = o.id;",
            SQL.identifier(FACT_TABLE),
        ),
    )


def _month_rows(table, sign):
    """The monthly totals' keys and sums of the fact rows of ``table``."""
    return SQL(
        "SELECT %s, %s FROM %s f",
        SQL(", ").join(
            SQL("%s AS %s", SQL(expr), SQL.identifier(name))
            for name, _t, expr in MONTH_KEYS
        ),
        SQL(", ").join(
            SQL(f"{sign}({expr}) AS %s", SQL.identifier(name))
            for name, _t, expr in MONTH_SUMS
        ),
        SQL.identifier(table),
    )


def _month_append(function, *tables):
    """The trigger ``function`` of a change of fact rows: it appends one
    delta row per (month, unit, type...) the statement changed; ``tables``
    are its transition tables, with the sign of their rows."""

    def create(_columns):
        sums = _sums()
        return _trigger_function(
            function,
            SQL(
                "INSERT INTO %(delta)s (%(keys)s, %(sums)s) "
                "SELECT %(keys)s, %(totals)s FROM (%(rows)s) d "
                "GROUP BY %(keys)s HAVING %(changed)s;",
                delta=SQL.identifier(MONTH_DELTA_TABLE),
                keys=_names(MONTH_KEYS),
                sums=SQL(", ").join(SQL.identifier(name) for name in sums),
                totals=SQL(", ").join(
                    SQL("SUM(%s)", SQL.identifier(name)) for name in sums
                ),
                rows=SQL(" UNION ALL ").join(
                    _month_rows(table, sign) for table, sign in tables
                ),
                changed=SQL(" OR ").join(
                    SQL("SUM(%s) <> 0", SQL.identifier(name)) for name in sums
                ),
            ),
        )

    return create


def _month_fold(_columns):
    # one fold at a time (advisory lock; a fold finding it taken leaves the
    # deltas to the one under way), in one transaction, so that any snapshot
    # sees each delta either in the deltas or in the totals; totals left at
    # 0 complaints (moved away) are deleted
    sums = _sums()
    keys = [name for name, _t, _e in MONTH_KEYS]
    return SQL(
        """
        CREATE OR REPLACE FUNCTION huatai_complaint_report_month_fold()
        RETURNS integer LANGUAGE plpgsql AS $body$
        DECLARE
            folded integer := 0;
            r record;
        BEGIN
            IF NOT pg_try_advisory_xact_lock(%(lock)s) THEN
                RETURN 0;
            END IF;
            FOR r IN
                WITH d AS (DELETE FROM %(delta)s RETURNING *)
                INSERT INTO %(month)s AS m (%(keys)s, %(sums)s)
                SELECT %(keys)s, %(totals)s FROM d
                 GROUP BY %(keys)s
                 ORDER BY %(keys)s
                ON CONFLICT (%(keys)s) DO UPDATE SET %(add)s
                RETURNING %(returned)s
            LOOP
                folded := folded + 1;
                IF r.nbr_complaints = 0 THEN
                    DELETE FROM %(month)s m WHERE %(same_key)s;
                END IF;
            END LOOP;
            RETURN folded;
        END
        $body$
        """,
        lock=MONTH_FOLD_LOCK,
        delta=SQL.identifier(MONTH_DELTA_TABLE),
        month=SQL.identifier(MONTH_TABLE),
        keys=_names(MONTH_KEYS),
        sums=SQL(", ").join(SQL.identifier(name) for name in sums),
        totals=SQL(", ").join(SQL("SUM(%s)", SQL.identifier(name)) for name in sums),
        add=SQL(", ").join(
            SQL("%s = m.%s + EXCLUDED.%s", *[SQL.identifier(name)] * 3) for name in sums
        ),
        returned=SQL(", ").join(
            SQL("m.%s", SQL.identifier(name)) for name in [*keys, "nbr_complaints"]
        ),
        same_key=SQL(" AND ").join(
            SQL("m.%s = r.%s", SQL.identifier(name), SQL.identifier(name))
            for name in keys
        ),
    )


def _sync_workdays(columns):
    """Working days changed: recompute the durations they touch.

    The working-day table is rebuilt as a whole (deleted and refilled) when a
    holiday schedule changes or the table grows; the first date that differs
    from the snapshot tells which complaints' durations to recompute (for a
    new year's schedule: only those reaching into that year).
    """
    return SQL(
        """
        CREATE OR REPLACE FUNCTION huatai_complaint_report_sync_workdays()
        RETURNS date LANGUAGE plpgsql AS $body$
        DECLARE
            first_day date;
        BEGIN
            SELECT MIN(COALESCE(w.date, s.date)) INTO first_day
              FROM huatai_workday w
              FULL JOIN %(snapshot)s s ON s.date = w.date
             WHERE w.date IS NULL OR s.date IS NULL
                OR w.is_working IS DISTINCT FROM s.is_working
                OR w.workday_index IS DISTINCT FROM s.workday_index;
            IF first_day IS NULL THEN
                RETURN NULL;
            END IF;
            DELETE FROM %(snapshot)s;
            INSERT INTO %(snapshot)s
            SELECT date, is_working, workday_index FROM huatai_workday;
            UPDATE %(fact)s f SET %(sets)s
              FROM huatai_complaint c %(joins)s
             WHERE c.id = f.id
               AND GREATEST(f.received_day, f.accepted_day, f.replied_day,
                            f.closed_day) >= first_day;
            RETURN first_day;
        END
        $body$
        """,
        snapshot=SQL.identifier(WORKDAY_SNAPSHOT_TABLE),
        fact=SQL.identifier(FACT_TABLE),
        sets=SQL(", ").join(
            SQL("%s = %s", SQL.identifier(name), SQL(expr))
            for name, _t, expr in columns
            if name.startswith("days_to_")
        ),
        joins=SQL(fact_joins()),
    )


def _workday_sync(_columns):
    return _trigger_function(
        WORKDAY_SYNC,
        SQL("PERFORM huatai_complaint_report_sync_workdays();"),
    )


# ----------------------------------------------------------------------
# The list
# ----------------------------------------------------------------------
def _table(name, create):
    return DbObject("TABLE", name, None, create)


def _function(signature, create=None):
    return DbObject("FUNCTION", signature, None, create)


def _trigger(name, table, event, function, referencing=None):
    """A statement trigger ``name`` calling ``function`` after ``event`` on
    ``table`` (with the transition tables ``referencing``)."""

    def create(_columns):
        return SQL(
            "DROP TRIGGER IF EXISTS %(name)s ON %(table)s; "
            "CREATE TRIGGER %(name)s AFTER %(event)s ON %(table)s %(referencing)s "
            "FOR EACH STATEMENT EXECUTE FUNCTION %(function)s()",
            name=SQL.identifier(name),
            table=SQL.identifier(table),
            event=SQL(event),
            referencing=SQL(f"REFERENCING {referencing}" if referencing else ""),
            function=SQL.identifier(function),
        )

    return DbObject("TRIGGER", name, table, create)


OBJECTS = (
    _table(FACT_TABLE, _fact_table),
    _table(MONTH_TABLE, _month_table),
    _table(MONTH_DELTA_TABLE, _month_delta_table),
    _table(WORKDAY_SNAPSHOT_TABLE, _workday_snapshot_table),
    _function("huatai_off_table_index(date)", _off_table_index),
    _function(f"{FACT_UPSERT}()", _fact_upsert),
    _function(f"{FACT_DELETE}()", _fact_delete),
    _function(
        f"{MONTH_INSERT}()", _month_append(MONTH_INSERT, ("huatai_fact_new", ""))
    ),
    _function(
        f"{MONTH_UPDATE}()",
        _month_append(MONTH_UPDATE, ("huatai_fact_new", ""), ("huatai_fact_old", "-")),
    ),
    _function(
        f"{MONTH_DELETE}()", _month_append(MONTH_DELETE, ("huatai_fact_old", "-"))
    ),
    _function("huatai_complaint_report_month_fold()", _month_fold),
    _function("huatai_complaint_report_sync_workdays()", _sync_workdays),
    _function(f"{WORKDAY_SYNC}()", _workday_sync),
    # on the complaints: their fact rows
    _trigger(
        "huatai_complaint_report_fact_insert",
        "huatai_complaint",
        "INSERT",
        FACT_UPSERT,
        NEW_COMPLAINTS,
    ),
    _trigger(
        "huatai_complaint_report_fact_update",
        "huatai_complaint",
        "UPDATE",
        FACT_UPSERT,
        NEW_COMPLAINTS,
    ),
    _trigger(
        "huatai_complaint_report_fact_delete",
        "huatai_complaint",
        "DELETE",
        FACT_DELETE,
        OLD_COMPLAINTS,
    ),
    # on the fact rows: the deltas of the monthly totals
    _trigger(MONTH_INSERT, FACT_TABLE, "INSERT", MONTH_INSERT, NEW_FACTS),
    _trigger(
        MONTH_UPDATE, FACT_TABLE, "UPDATE", MONTH_UPDATE, f"{OLD_FACTS} {NEW_FACTS}"
    ),
    _trigger(MONTH_DELETE, FACT_TABLE, "DELETE", MONTH_DELETE, OLD_FACTS),
    # on the working days: the durations
    _trigger(WORKDAY_SYNC, "huatai_workday", "INSERT OR UPDATE", WORKDAY_SYNC),
)
# made by earlier versions, dropped at install and uninstall
OBSOLETE = (
    _function("huatai_monfri_index(date)"),
    _function("huatai_workdays_elapsed(date, date)"),
    _function("huatai_workdays_between(date, date)"),
    _function("huatai_is_workday(date)"),
)


# ----------------------------------------------------------------------
# Install, uninstall
# ----------------------------------------------------------------------
def _drop(cr, obj):
    if obj.kind == "TRIGGER":
        cr.execute("SELECT to_regclass(%s) IS NOT NULL", [obj.on])
        if cr.fetchone()[0]:
            cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS %s ON %s",
                    SQL.identifier(obj.name),
                    SQL.identifier(obj.on),
                )
            )
    elif obj.kind == "FUNCTION":
        # a function's name with its argument types, as written in OBJECTS
        name, _paren, types = obj.name.partition("(")
        cr.execute(
            SQL(
                "DROP FUNCTION IF EXISTS %s(%s)",
                SQL.identifier(name),
                SQL(types.rstrip(")")),
            )
        )
    else:
        cr.execute(SQL("DROP TABLE IF EXISTS %s CASCADE", SQL.identifier(obj.name)))


def _signature(columns):
    """What the fact table and the totals were built from: a change of it
    rebuilds them."""
    return hashlib.sha1(
        repr(
            (FACT_VERSION, columns, MONTH_KEYS, MONTH_SUMS, REPORT_UTC_OFFSET_HOURS)
        ).encode()
    ).hexdigest()


def install(env):
    """(Re)create the objects; rebuild the tables (and refill them) when
    their definition changed or one is missing, else catch up with the
    working days."""
    cr = env.cr
    columns = fact_columns()
    signature = _signature(columns)
    tables = [obj for obj in OBJECTS if obj.kind == "TABLE"]
    cr.execute(
        "SELECT obj_description(to_regclass(%s), 'pg_class'), "
        "bool_and(to_regclass(name) IS NOT NULL) FROM unnest(%s::text[]) name",
        [FACT_TABLE, [obj.name for obj in tables]],
    )
    current, complete = cr.fetchone()
    rebuild = current != signature or not complete
    for obj in OBSOLETE:
        _drop(cr, obj)
    if rebuild:
        for obj in reversed(tables):
            _drop(cr, obj)
    for obj in OBJECTS:
        if obj.kind != "TABLE" or rebuild:
            cr.execute(obj.create(columns))
    if rebuild:
        cr.execute(
            SQL("COMMENT ON TABLE %s IS %s", SQL.identifier(FACT_TABLE), signature)
        )
    else:
        cr.execute(
            SQL(
                "SELECT (SELECT COUNT(*) FROM %s) "
                "<> (SELECT COUNT(*) FROM huatai_complaint)",
                SQL.identifier(FACT_TABLE),
            )
        )
        rebuild = cr.fetchone()[0]
    if rebuild:
        rebuild_facts(env)
    else:
        # durations computed on an older working-day table: catch up
        cr.execute("SELECT huatai_complaint_report_sync_workdays()")


def rebuild_facts(env):
    """Recompute every complaint's figures (install, update, repair) and the
    monthly totals, on the current working days."""
    cr = env.cr
    columns = fact_columns()
    fact = SQL.identifier(FACT_TABLE)
    env["huatai.complaint"].flush_model()
    cr.execute(
        SQL(
            "TRUNCATE %s, %s, %s, %s",
            fact,
            SQL.identifier(MONTH_TABLE),
            SQL.identifier(MONTH_DELTA_TABLE),
            SQL.identifier(WORKDAY_SNAPSHOT_TABLE),
        )
    )
    # stored in date order: a period's rows sit together on disk; the fact
    # table's insert trigger refills the monthly totals' deltas, folded
    # right away
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM huatai_complaint c %s "
            "ORDER BY c.received_date, c.id",
            fact,
            _names(columns),
            _exprs(columns),
            SQL(fact_joins()),
        )
    )
    cr.execute("SELECT huatai_complaint_report_month_fold()")
    # the figures were just computed on the current working days
    cr.execute(
        SQL(
            "INSERT INTO %s SELECT date, is_working, workday_index FROM huatai_workday",
            SQL.identifier(WORKDAY_SNAPSHOT_TABLE),
        )
    )
    cr.execute(SQL("ANALYZE %s", fact))
    cr.execute(SQL("ANALYZE %s", SQL.identifier(MONTH_TABLE)))


def uninstall(cr):
    """Drop every object of ``OBJECTS`` (and the obsolete ones)."""
    for obj in reversed(OBJECTS + OBSOLETE):
        _drop(cr, obj)
