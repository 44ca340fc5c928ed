"""Periodic complaint statistics: per period × accepting unit × type ×
channel, per period × unit, and the recurring complaint types."""

from collections import defaultdict
from datetime import date

from .xlsx_improvements import write_improvement_sheet
from .xlsx_workbook import XlsxReport, as_cell, total_measures

NO_UNIT = {"name": "", "code": "", "branch": "", "sort": ""}


def period_name(period, start):
    """How a period is named in the sheets: 2025-Q1, 2025-03, 2025..."""
    if not start:
        return ""
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return str(start.year)
    if period == "month":
        return start.strftime("%Y-%m")
    return start.isoformat()


class StatisticsReport(XlsxReport):
    """The statistics of the complaints the user may read."""

    def render(self, date_from, date_to, period="month", unit_ids=None, domain=None):
        """Write periodic statistics.

        Sheets: per period × accepting unit × complaint type × channel; per
        period × unit; recurring complaint types per period with their rank
        and the change from the previous period; an About sheet.
        Returns the number of complaints counted.
        """
        Report = self.env["huatai.complaint.report"]
        date_from, date_to = Report._check_period(date_from, date_to)
        self.period = period

        def statistics(*groupby):
            return Report._get_statistics(
                date_from,
                date_to,
                period=period,
                unit_ids=unit_ids,
                groupby=groupby,
                domain=domain,
            )

        detail = statistics("accepting_unit_id", "category_id", "channel")
        by_unit = statistics("accepting_unit_id")
        by_type = statistics("category_id")
        self._read_names(by_unit, by_type)
        self.open_workbook()
        self.measures = self.measure_columns()
        self._write_detail(detail)
        self._write_by_unit(by_unit)
        self._write_by_type(by_type)
        _ = self.env._
        total = sum(row["count"] for row in by_unit)
        periods = self.selection_labels("huatai.report.export.wizard", "period")
        units = self.env["huatai.org.unit"].browse(unit_ids or []).exists()
        # hook (issue 16): the improvement actions of the period
        write_improvement_sheet(self, date_from, date_to, units)
        self.write_about_sheet(
            _("Complaint Statistics"),
            [
                (_("Period"), self.period_label(date_from, date_to)),
                (_("Breakdown"), periods.get(period, period or "")),
                (_("Units"), self.scope_label(units)),
                (_("Complaints"), str(total)),
            ],
        )
        self.workbook.close()
        return total

    def _read_names(self, by_unit, by_type):
        """Names and sort keys of the units, types and channels counted."""
        units = (
            self.env["huatai.org.unit"]
            .sudo()
            .browse({row["accepting_unit_id"] for row in by_unit})
            .exists()
            .with_context(active_test=False)
        )
        self.unit_info = {
            unit.id: {
                "name": unit.name,
                "code": unit.code,
                "branch": unit.branch_id.name or "",
                "sort": unit.complete_name or "",
            }
            for unit in units
        }
        categories = (
            self.env["huatai.complaint.category"]
            .with_context(active_test=False)
            .browse({row["category_id"] for row in by_type})
        )
        self.category_name = {cat.id: cat.display_name for cat in categories}
        self.category_sort = {
            cat.id: (cat.sequence, cat.complete_name) for cat in categories
        }
        self.channels = self.selection_labels("huatai.complaint", "channel")
        self.channel_order = {code: index for index, code in enumerate(self.channels)}

    def _unit(self, row):
        return self.unit_info.get(row["accepting_unit_id"], NO_UNIT)

    def _unit_columns(self):
        _ = self.env._
        return [
            self.column(_("Period"), width=10),
            self.column(_("Branch Company"), width=18),
            self.column(_("Accepting Unit"), width=20),
            self.column(_("Unit Code"), width=10),
        ]

    def _unit_cells(self, row):
        unit = self._unit(row)
        return [
            period_name(self.period, row["period_start"]),
            unit["branch"],
            unit["name"],
            unit["code"],
        ]

    def _write_table(self, name, label_columns, rows, label_cells):
        """A sheet of ``rows``: their labels, their measures, a total line."""
        keys = [key for key, _col in self.measures]
        writer = self.sheet(
            name, [*label_columns, *(col for _key, col in self.measures)]
        )
        writer.write_rows(
            [*label_cells(row), *(as_cell(key, row.get(key)) for key in keys)]
            for row in rows
        )
        writer.finish()
        totals = total_measures(rows)
        self.write_total_row(
            writer,
            [as_cell(key, totals.get(key)) for key in keys],
            len(label_columns),
        )

    def _write_detail(self, rows):
        _ = self.env._
        rows.sort(
            key=lambda r: (
                r["period_start"] or date.min,
                self._unit(r)["sort"],
                self.category_sort.get(r["category_id"], (0, "")),
                self.channel_order.get(r["channel"], 99),
            )
        )
        self._write_table(
            _("Statistics"),
            [
                *self._unit_columns(),
                self.column(_("Complaint Type"), width=14),
                self.column(_("Channel"), width=12),
            ],
            rows,
            lambda row: [
                *self._unit_cells(row),
                self.category_name.get(row["category_id"], ""),
                self.channels.get(row["channel"], row["channel"]),
            ],
        )

    def _write_by_unit(self, rows):
        rows.sort(key=lambda r: (r["period_start"] or date.min, self._unit(r)["sort"]))
        self._write_table(
            self.env._("By Unit"), self._unit_columns(), rows, self._unit_cells
        )

    def _write_by_type(self, rows):
        """Recurring types: rank within the period, change from the previous."""
        _ = self.env._
        writer = self.sheet(
            _("By Complaint Type"),
            [
                self.column(_("Period"), width=10),
                self.number(_("Rank"), "int", 6),
                self.column(_("Complaint Type"), width=16),
                self.number(_("Complaints"), "int", 10),
                self.number(_("Share"), "percent", 8),
                self.number(_("Previous Period"), "int", 10),
                self.number(_("Change"), "int", 8),
                self.number(_("Reply Compliance Rate"), "percent", 10),
                self.number(_("Avg. Working Days to Reply"), "days", 10),
            ],
        )
        periods = defaultdict(list)
        for row in rows:
            periods[row["period_start"]].append(row)
        previous = {}
        lines = []
        for start in sorted(periods, key=lambda d: d or date.min):
            ranked = sorted(
                periods[start],
                key=lambda r: (
                    -r["count"],
                    self.category_sort.get(r["category_id"], (0, "")),
                ),
            )
            total = sum(r["count"] for r in ranked)
            for rank, row in enumerate(ranked, start=1):
                before = previous.get(row["category_id"]) if previous else None
                lines.append(
                    [
                        period_name(self.period, start),
                        rank,
                        self.category_name.get(row["category_id"], ""),
                        row["count"],
                        row["count"] / total if total else None,
                        before,
                        row["count"] - before if before is not None else None,
                        as_cell("reply_rate", row["reply_rate"]),
                        row["days_to_reply"],
                    ]
                )
            previous = {r["category_id"]: r["count"] for r in ranked}
        writer.write_rows(lines)
        writer.finish()
