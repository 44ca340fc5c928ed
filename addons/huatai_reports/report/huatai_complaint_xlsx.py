import io
from datetime import datetime

from odoo import api, fields, models

from .xlsx_register import RegisterReport
from .xlsx_regulator_summary import RegulatorSummaryReport
from .xlsx_statistics import StatisticsReport

EXPORT_MODEL = "huatai.complaint.xlsx"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# report type -> the class writing its workbook
WRITERS = {
    "register": RegisterReport,
    "statistics": StatisticsReport,
    "regulator_summary": RegulatorSummaryReport,
}


class HuataiComplaintXlsx(models.AbstractModel):
    """The complaint workbooks: register (台账), statistics, CSRC summary.

    Every writer takes a binary file-like ``stream`` (never a path: nothing
    is written on the server) and fills it with an xlsx workbook built with
    xlsxwriter in ``constant_memory`` mode, one class per kind of report
    (``xlsx_register``, ``xlsx_statistics``, ``xlsx_regulator_summary``);
    headers and labels are rendered in the language of the environment. Rows
    are what the current user may see: the complaint record rules apply, a
    unit outside the user's reach raises a ``UserError``. The writers are
    private (not callable over RPC): users get the files through the export
    wizard, the list action and the scheduled reports.
    """

    _name = EXPORT_MODEL
    _description = "Complaint Excel Reports"

    # ------------------------------------------------------------------
    # Writers
    # ------------------------------------------------------------------
    @api.model
    def _write_register(self, stream, *args, **kwargs):
        """Write the complaint register (台账) to ``stream``: see
        :meth:`RegisterReport.render`; returns the number of rows."""
        return RegisterReport(self.env, stream).render(*args, **kwargs)

    @api.model
    def _write_statistics(self, stream, *args, **kwargs):
        """Write periodic statistics to ``stream``: see
        :meth:`StatisticsReport.render`; returns the complaints counted."""
        return StatisticsReport(self.env, stream).render(*args, **kwargs)

    @api.model
    def _write_regulator_summary(self, stream, *args, **kwargs):
        """Write the yearly summary for the local CSRC bureau to ``stream``:
        see :meth:`RegulatorSummaryReport.render`; returns the complaints
        counted."""
        return RegulatorSummaryReport(self.env, stream).render(*args, **kwargs)

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------
    @api.model
    def _build(self, report_type, **kwargs):
        """Build a report; return ``(bytes, filename, count)``."""
        stream = io.BytesIO()
        count = WRITERS[report_type](self.env, stream).render(**kwargs)
        return stream.getvalue(), self._filename(report_type, **kwargs), count

    @api.model
    def _download(self, report_type, **kwargs):
        """Build a report and return the action downloading it."""
        content, filename, _count = self._build(report_type, **kwargs)
        return self._download_action(self._store_download(content, filename))

    @api.model
    def _filename(self, report_type, **kwargs):
        _ = self.env._
        title = {
            "register": _("Complaint Register"),
            "statistics": _("Complaint Statistics"),
            "regulator_summary": _("Yearly Complaint Summary"),
        }[report_type]
        if report_type == "regulator_summary":
            suffix = str(kwargs.get("year"))
        else:
            start, end = kwargs.get("date_from"), kwargs.get("date_to")
            suffix = (
                f"{start or ''}_{end or ''}"
                if start or end
                else datetime.now().strftime("%Y%m%d")
            )
        return f"{title}_{suffix}.xlsx".replace("/", "-")

    @api.model
    def _store_download(self, content, filename):
        """An attachment only its creator can read, served by /web/content."""
        return (
            self.env["ir.attachment"]
            .sudo(False)
            .create(
                {
                    "name": filename,
                    "raw": content,
                    "res_model": EXPORT_MODEL,
                    "res_id": False,
                    "mimetype": XLSX_MIMETYPE,
                }
            )
        )

    @api.model
    def _download_action(self, attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    @api.autovacuum
    def _gc_downloads(self):
        """Exported files are kept one day for their download."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", EXPORT_MODEL),
                ("res_id", "=", False),
                ("create_date", "<", limit),
            ]
        ).unlink()
