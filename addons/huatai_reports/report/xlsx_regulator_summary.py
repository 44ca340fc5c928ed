"""The yearly complaint summary for the local CSRC bureau: a line per unit
with its counts per main complaint type, handling, deadlines and
compensation (claimed and paid), the outcomes, the total, and the
complaints per type with their outcomes."""

from collections import defaultdict
from datetime import date

from odoo import fields
from odoo.exceptions import UserError

from .xlsx_workbook import XlsxReport, as_cell, total_measures

# the measures of a unit's line, after its counts per main type
SUMMARY_KEYS = (
    "regulator",
    "finished",
    "closed",
    "rejected",
    "open",
    "reply_met",
    "reply_missed",
    "reply_rate",
    "days_to_reply",
    "compensation",
    "compensation_amount",
    "founded",
    "partly_founded",
    "unfounded",
    "compensation_paid",
    "major",
    "group",
    "media",
    "judicial",
    "reached",
    "satisfaction_rate",
    "satisfaction_score",
)
# the outcome of the complaints of a main type (by-type sheet), in the order
# and with the headers of the units' sheet
BY_TYPE_KEYS = SUMMARY_KEYS[
    SUMMARY_KEYS.index("compensation") : SUMMARY_KEYS.index("compensation_paid") + 1
]


class RegulatorSummaryReport(XlsxReport):
    """The yearly summary of the complaints the user may read."""

    def render(self, year, unit_ids=None):
        """Write the yearly complaint summary for the local CSRC bureau.

        One line per sales department in scope (also those without
        complaints) and per other accepting unit with complaints, grouped by
        branch company, with counts per main complaint type, handling,
        deadlines and compensation; then the total for the firm (or the
        user's units). Returns the number of complaints counted.
        """
        year = self._check_year(year)
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        rows = self.env["huatai.complaint.report"]._get_statistics(
            date(year, 1, 1),
            date(year, 12, 31),
            period=False,
            unit_ids=units.ids,
            groupby=("accepting_unit_id", "category_root_id"),
        )
        self.root_categories = self._root_categories(rows)
        self.open_workbook()
        total = self._write_units(year, units, rows)
        self._write_by_type(rows, total, units)
        _ = self.env._
        self.write_about_sheet(
            _("Yearly Complaint Summary for the CSRC Local Bureau"),
            [
                (_("Year"), str(year)),
                (_("Units"), self.scope_label(units)),
                (_("Complaints"), str(total)),
            ],
        )
        self.workbook.close()
        return total

    def _check_year(self, year):
        try:
            year = int(year)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the year of the summary.")) from error
        if year < 2000 or year > fields.Date.today().year:
            raise UserError(
                self.env._("There is no summary for the year %(year)s.", year=year)
            )
        return year

    def _root_categories(self, rows):
        """The main complaint types: those the user may see, and those
        counted."""
        Category = self.env["huatai.complaint.category"]
        domain = [("parent_id", "=", False)]
        if not self.sees_confidential():
            domain.append(("is_confidential", "=", False))
        categories = Category.search(domain)
        seen = {row["category_root_id"] for row in rows}
        return categories | Category.with_context(active_test=False).browse(
            seen - set(categories.ids) - {None}
        )

    def _listed_units(self, units, counted):
        """Every sales department in scope, and the other units with
        complaints (``counted``), by branch company."""
        Unit = self.env["huatai.org.unit"]
        if units:
            roots = units.ids
        elif self.sees_firm():
            roots = None
        else:
            roots = self.env.user.huatai_unit_ids.ids
        domain = [("kind", "=", "sales_department")]
        if roots is not None:
            domain.append(("id", "child_of", roots))
        listed = Unit.search(domain).sudo()
        others = (
            Unit.sudo()
            .with_context(active_test=False)
            .browse(set(counted) - set(listed.ids) - {None})
        )
        return (listed | others).sorted(
            lambda u: (u.branch_id.complete_name or "", u.complete_name or "")
        )

    def _counts_by_root(self, rows):
        by_root = defaultdict(int)
        for row in rows:
            by_root[row["category_root_id"]] += row["count"]
        return by_root

    def _line(self, rows):
        """The numbers of a line: complaints, per main type, measures."""
        totals = total_measures(rows)
        totals["finished"] = totals["closed"] + totals["rejected"]
        by_root = self._counts_by_root(rows)
        return [
            totals["count"],
            *(by_root[cat.id] for cat in self.root_categories),
            *(as_cell(key, totals.get(key)) for key in SUMMARY_KEYS),
        ]

    def _total_label(self, units):
        """The firm's total when the report covers every unit."""
        if not units and self.sees_firm():
            return self.env._("Firm Total")
        return self.env._("Total")

    def _write_units(self, year, units, rows):
        """The sheet of the units and the total line; returns the total."""
        _ = self.env._
        writer = self.sheet(
            _("Yearly Summary %(year)s", year=year),
            [
                self.column(_("Branch Company"), width=18),
                self.column(_("Unit"), width=22),
                self.column(_("Unit Code"), width=10),
                self.column(_("Unit Level"), width=12),
                self.number(_("Complaints"), "int", 10),
                *(self.number(cat.name, "int", 10) for cat in self.root_categories),
                *(col for _key, col in self.measure_columns(SUMMARY_KEYS)),
            ],
        )
        per_unit = defaultdict(list)
        for row in rows:
            per_unit[row["accepting_unit_id"]].append(row)
        kinds = self.selection_labels("huatai.org.unit", "kind")
        writer.write_rows(
            [
                unit.branch_id.name or "",
                unit.name,
                unit.code,
                kinds.get(unit.kind, ""),
                *self._line(per_unit.get(unit.id, [])),
            ]
            for unit in self._listed_units(units, per_unit)
        )
        writer.finish()
        # the total line: the firm's when the report covers every unit
        total_values = self._line(rows)
        self.write_total_row(writer, total_values, 4, label=self._total_label(units))
        return total_values[0]

    def _write_by_type(self, rows, total, units):
        """The complaints per main type, with their share and outcome
        (founded, partly founded, unfounded, compensation claimed and paid),
        and the total line: the same figures as the units' total line."""
        _ = self.env._
        writer = self.sheet(
            _("By Complaint Type"),
            [
                self.column(_("Complaint Type"), width=18),
                self.number(_("Complaints"), "int", 10),
                self.number(_("Share"), "percent", 8),
                *(col for _key, col in self.measure_columns(BY_TYPE_KEYS)),
            ],
        )
        per_root = defaultdict(list)
        for row in rows:
            per_root[row["category_root_id"]].append(row)

        def outcome(type_rows):
            totals = total_measures(type_rows)
            return [as_cell(key, totals[key]) for key in BY_TYPE_KEYS]

        by_root = self._counts_by_root(rows)
        writer.write_rows(
            [
                cat.name,
                by_root[cat.id],
                by_root[cat.id] / total if total else None,
                *outcome(per_root.get(cat.id, [])),
            ]
            for cat in self.root_categories
        )
        writer.finish()
        self.write_total_row(
            writer,
            [total, 1.0 if total else None, *outcome(rows)],
            1,
            label=self._total_label(units),
        )
