"""The improvement actions sheet of the periodic statistics (Art. 6, 7)."""

from datetime import date

from .xlsx_stream import LABEL, NUMBER, TEXT

IMPROVEMENT = "huatai.complaint.improvement"
EXCEL_EPOCH = date(1899, 12, 30)


def improvement_domain(date_from, date_to, units):
    """Actions proposed in the period or still open in it, for or from the
    units reported on."""
    domain = []
    if date_to:
        domain.append(("create_date", "<", f"{date_to} 23:59:59"))
    if date_from:
        domain += [
            "|",
            "|",
            ("state", "in", ("draft", "open")),
            ("done_date", ">=", date_from),
            ("create_date", ">=", f"{date_from} 00:00:00"),
        ]
    if units:
        domain += [
            "|",
            ("unit_id", "child_of", units.ids),
            ("proposing_unit_id", "child_of", units.ids),
        ]
    return domain


def write_improvement_sheet(report, date_from, date_to, units):
    """Add the sheet to ``report`` (an open :class:`XlsxReport`), as its
    reader may see the actions (record rules apply: a whistleblowing
    report's actions only for Compliance); return the actions listed."""
    env = report.env
    Improvement = env[IMPROVEMENT]
    if not Improvement.has_access("read"):
        return 0
    actions = Improvement.search(
        improvement_domain(date_from, date_to, units),
        order="unit_id, due_date, id",
    )
    _ = env._
    c = report.column
    states = report.selection_labels(IMPROVEMENT, "state")
    writer = report.sheet(
        _("Improvement Actions"),
        [
            c(_("Title"), TEXT, None, 30),
            c(_("Proposing Unit"), LABEL, None, 18),
            c(_("Business Department"), LABEL, None, 18),
            c(_("Complaint Type"), LABEL, None, 14),
            c(_("Owner"), LABEL, None, 12),
            c(_("Due Date"), NUMBER, "date", 12),
            c(_("Status"), LABEL, None, 10),
            c(_("Done On"), NUMBER, "date", 12),
            c(_("Complaints"), NUMBER, "int", 10),
            c(_("Proposal"), TEXT, None, 40),
            c(_("Outcome"), TEXT, None, 40),
        ],
    )

    def day(value):
        return (value - EXCEL_EPOCH).days if value else None

    writer.write_rows(
        [
            action.name,
            action.proposing_unit_id.name,
            action.unit_id.name,
            action.category_id.name or None,
            action.user_id.name or None,
            day(action.due_date),
            states.get(action.state),
            day(action.done_date),
            action.complaint_count,
            action.proposal,
            action.outcome or None,
        ]
        for action in actions
    )
    writer.finish()
    return len(actions)
