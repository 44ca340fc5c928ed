"""After ``pre-migrate.py``: the ORM computes what SQL could not — the
acknowledgement deadline of complaints received outside the working-day
table, and the next deadline and state of the complaints whose
acknowledgement clock runs. Idempotent: on a database migrated before, it
computes the same values again for these few rows."""

from odoo import SUPERUSER_ID, api

CLOCK_FIELDS = (
    "deadline_fallback_years",
    "next_deadline",
    "deadline_clock",
    "deadline_state",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    mark_for_computation(env)
    env.flush_all()


def mark_for_computation(env):
    """Mark the few complaints whose clock fields the ORM must compute."""
    cr = env.cr
    Complaint = env["huatai.complaint"].with_context(active_test=False)
    cr.execute(
        "SELECT id FROM huatai_complaint WHERE acknowledgement_deadline IS NULL "
        "AND received_date IS NOT NULL"
    )
    missing = Complaint.browse(row[0] for row in cr.fetchall())
    if missing:
        env.add_to_compute(Complaint._fields["acknowledgement_deadline"], missing)
    cr.execute(
        "SELECT id FROM huatai_complaint WHERE acknowledged_date IS NULL "
        "AND is_closed IS NOT TRUE AND replied_date IS NULL"
    )
    waiting = Complaint.browse(row[0] for row in cr.fetchall())
    for fname in CLOCK_FIELDS if waiting else ():
        env.add_to_compute(Complaint._fields[fname], waiting)
