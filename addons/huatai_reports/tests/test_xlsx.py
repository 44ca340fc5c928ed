import io
import os
import tempfile
from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import tagged

from .common import ReportCase


@tagged("post_install", "-at_install")
class TestXlsxExports(ReportCase):
    def register(self, user, **kwargs):
        content, filename, count = self.Xlsx.with_user(user)._build(
            "register", **kwargs
        )
        self.assertTrue(filename.endswith(".xlsx"))
        book = self.open_xlsx(content)
        header, rows = self.sheet_rows(book.worksheets[0])
        return book, header, self.as_dicts(header, rows), count

    def assertMoment(self, value, expected):
        self.assertIsInstance(value, datetime)
        self.assertLess(abs((value - expected).total_seconds()), 1)

    # ------------------------------------------------------------------
    # register
    # ------------------------------------------------------------------
    def test_register_unit_head(self):
        book, header, rows, count = self.register(
            self.head_jiangsu, date_from=date(2025, 1, 1), date_to=date(2025, 3, 31)
        )
        expected = self.visible(self.head_jiangsu).sorted(
            lambda c: (c.received_date, c.id)
        )
        self.assertEqual(count, len(expected))
        self.assertEqual([row["Reference"] for row in rows], expected.mapped("name"))
        self.assertFalse(
            {
                self.hangzhou_regulator.name,
                self.hangzhou_compensation.name,
                self.hq_whistle.name,
            }
            & {row["Reference"] for row in rows},
            "a unit head gets nothing of another branch",
        )
        sheet = book.worksheets[0]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(header[0], "Reference")
        self.assertIn("ID Number", header)
        by_ref = {row["Reference"]: row for row in rows}

        closed = by_ref[self.nanjing_closed.name]
        self.assertMoment(closed["Received On"], datetime(2025, 1, 6, 10, 0))
        self.assertMoment(closed["Replied On"], datetime(2025, 1, 10, 15, 0))
        self.assertEqual(closed["Reply Deadline"], datetime(2025, 1, 27))
        self.assertEqual(closed["Channel"], "Email")
        self.assertEqual(closed["Stage"], "Closed")
        self.assertEqual(closed["Accepting Unit"], "南京鼓楼营业部")
        self.assertEqual(closed["Accepting Branch Company"], "江苏分公司")
        self.assertEqual(closed["Replied in Time"], "Yes")
        self.assertEqual(closed["Working Days to Reply"], 4)
        self.assertEqual(closed["Reply to Complainant"], "已核实并答复客户。")
        self.assertEqual(closed["Facts"], "营业部员工态度恶劣")
        self.assertEqual(closed["Major"], "No")
        self.assertEqual(closed["Callback Outcome"], "Reached, satisfied")
        self.assertEqual(closed["Callback Attempts"], 1)
        self.assertEqual(closed["Survey Score"], 4.5)
        received_cell = sheet.cell(row=2, column=header.index("Received On") + 1)
        self.assertEqual(received_cell.number_format, "yyyy-mm-dd hh:mm")

        rejected = by_ref[self.nanjing_rejected.name]
        self.assertEqual(rejected["Stage"], "Rejected")
        self.assertEqual(rejected["Rejection Reason"], "不属于投诉受理范围")
        self.assertIsNone(rejected["Replied On"])
        self.assertIsNone(rejected["Replied in Time"])

        late = by_ref[self.nanjing_late.name]
        self.assertEqual(late["Replied in Time"], "No")
        self.assertEqual(
            late["Working Days to Reply"],
            self.working_days(self.nanjing_late, "replied_date"),
        )

        overdue = by_ref[self.nanjing_overdue.name]
        self.assertIsNone(overdue["Replied On"])
        self.assertEqual(overdue["Deadline Status"], "Overdue")
        self.assertEqual(overdue["Replied in Time"], "No")

        paused = by_ref[self.suzhou_paused.name]
        self.assertEqual(paused["Stage"], "Compliance Review")
        self.assertEqual(paused["Channel"], "On-site")
        self.assertEqual(paused["Recording Consent"], "Consented to recording")
        self.assertEqual(paused["Difficult"], "Yes")
        self.assertIsNone(paused["Replied in Time"])

        dispatched = by_ref[self.nanjing_dispatched.name]
        self.assertEqual(dispatched["Handling Unit"], "Retail Client Service HQ")
        self.assertEqual(dispatched["Accepting Unit"], "南京鼓楼营业部")
        self.assertEqual(dispatched["Dispatches"], 1)
        self.assertEqual(dispatched["Owner"], self.hq_user.name)

        about = book["About"]
        self.assertEqual(about["A1"].value, "Complaint Register")

    def test_register_regulator_and_compensation_fields(self):
        _book, _header, rows, _count = self.register(
            self.head_zhejiang, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
        )
        by_ref = {row["Reference"]: row for row in rows}
        self.assertEqual(
            set(by_ref), {self.hangzhou_regulator.name, self.hangzhou_compensation.name}
        )
        regulator = by_ref[self.hangzhou_regulator.name]
        self.assertEqual(regulator["Channel"], "Forwarded by Regulator")
        self.assertEqual(regulator["Forwarding Authority"], "CSRC Local Bureau")
        self.assertEqual(regulator["Regulator Reference"], "JSJ-2025-001")
        self.assertEqual(regulator["Regulator Deadline"], datetime(2025, 2, 19))
        self.assertEqual(regulator["Major"], "Yes")
        self.assertEqual(
            by_ref[self.hangzhou_compensation.name]["Compensation Claimed"], 5000
        )

    def test_register_whistleblowing_for_compliance_only(self):
        period = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
        _b, _h, hq_rows, hq_count = self.register(self.hq_user, **period)
        refs = {row["Reference"]: row for row in hq_rows}
        self.assertNotIn(self.hq_whistle.name, refs)
        # an HQ unit has no branch company: the cell stays empty, and the
        # next cells keep their columns
        hq_new = refs[self.hq_new.name]
        self.assertIsNone(hq_new["Accepting Branch Company"])
        self.assertEqual(hq_new["Accepting Unit"], "Retail Client Service HQ")
        self.assertEqual(hq_new["Stage"], "Registered")
        self.assertEqual(hq_new["Channel"], "Company Website")
        self.assertEqual(hq_count, len(self.visible(self.hq_user)))
        _b, _h, rows, _c = self.register(self.compliance_user, **period)
        self.assertIn(self.hq_whistle.name, {row["Reference"] for row in rows})

    def test_register_bad_input(self):
        with self.assertRaises(UserError):
            self.Xlsx.with_user(self.head_jiangsu)._build(
                "register", unit_ids=self.hangzhou.ids
            )
        with self.assertRaises(UserError):
            self.Xlsx.with_user(self.head_jiangsu)._build(
                "register", date_from=date(2025, 3, 1), date_to=date(2025, 1, 1)
            )
        with self.assertRaises(AccessError):
            self.Xlsx.with_user(self.staff_nanjing)._build("register")
        # an empty period: a well-formed workbook with its header only
        book, header, rows, count = self.register(
            self.head_jiangsu, date_from=date(2010, 1, 1), date_to=date(2010, 12, 31)
        )
        self.assertEqual((count, rows), (0, []))
        self.assertEqual(header[0], "Reference")
        self.assertEqual(book.sheetnames, ["Complaint Register", "About"])

    def test_register_from_list_selection(self):
        selection = (self.nanjing_closed | self.nanjing_late).with_user(
            self.head_jiangsu
        )
        action = selection.action_export_register_xlsx()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = (
            self.env["ir.attachment"].with_user(self.head_jiangsu).browse(attachment_id)
        )
        _header, rows = self.sheet_rows(self.open_xlsx(attachment.raw).worksheets[0])
        self.assertEqual(
            sorted(row[0] for row in rows), sorted(selection.sudo().mapped("name"))
        )
        # the file is its creator's
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.head_zhejiang).browse(
                attachment_id
            ).read(["raw"])
        # the server action on the list does the same
        server_action = self.env.ref(
            "huatai_reports.huatai_complaint_action_export_register"
        )
        result = (
            server_action.with_user(self.head_jiangsu)
            .with_context(active_model="huatai.complaint", active_ids=selection.ids)
            .run()
        )
        self.assertEqual(result["type"], "ir.actions.act_url")

    def test_register_streams_rows_in_chunks(self):
        """More rows than a chunk: order and count hold across chunks."""
        from unittest.mock import patch

        from ..report import xlsx_register

        with patch.object(xlsx_register, "REGISTER_CHUNK", 3):
            _b, _h, rows, count = self.register(self.compliance_user)
        expected = self.Complaint.with_user(self.compliance_user).search(
            [], order="received_date, id"
        )
        self.assertEqual(count, len(expected))
        self.assertEqual([row["Reference"] for row in rows], expected.mapped("name"))

    def test_register_without_fast_path_is_the_same(self):
        """Should xlsxwriter's internals change, the plain path gives the
        same cells (only slower)."""
        from unittest.mock import patch

        from ..report.xlsx_stream import StreamWorksheet

        period = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
        _b, fast_header, fast_rows, _c = self.register(self.hq_user, **period)
        with patch.object(StreamWorksheet, "can_stream", lambda self: False):
            _b, slow_header, slow_rows, _c = self.register(self.hq_user, **period)
        self.assertEqual(fast_header, slow_header)
        self.assertEqual(fast_rows, slow_rows)

    def test_register_writes_to_a_stream(self):
        stream = io.BytesIO()
        count = self.Xlsx.with_user(self.head_zhejiang)._write_register(
            stream,
            date_from="2025-01-01",
            date_to="2025-12-31",
            unit_ids=self.hangzhou.ids,
        )
        self.assertEqual(count, 2)
        self.assertEqual(stream.getvalue()[:2], b"PK")

    def test_report_helpers_are_not_rpc_endpoints(self):
        """Issue 11 #13: the writers took a path and wrote it on the server
        for any unit head calling them over JSON-RPC; the analysis helpers
        were RPC endpoints too."""
        helpers = {
            self.Xlsx: (
                "write_register",
                "write_statistics",
                "write_regulator_summary",
            ),
            self.Report: ("get_statistics", "dashboard_filter_domain", "period_bounds"),
        }
        for model, names in helpers.items():
            for name in names:
                with self.subTest(model=model._name, method=name):
                    # what /web/dataset/call_kw and execute_kw check first
                    with self.assertRaises(AttributeError):
                        get_public_method(model.with_user(self.head_zhejiang), name)
                    with self.assertRaises(AccessError):
                        get_public_method(
                            model.with_user(self.head_zhejiang), f"_{name}"
                        )

    def test_every_endpoint_is_audited(self):
        """What huatai_reports' code exposes over JSON-RPC: two actions that
        check the user's rights (the export through the report's access and
        record rules, Send Now through the schedule's write access)."""
        from odoo.addons.huatai_complaints.tests.test_rpc_surface import (
            rpc_endpoints,
        )

        self.assertEqual(
            rpc_endpoints(self.env, "huatai_reports"),
            {
                "huatai.complaint": {"action_export_register_xlsx"},
                "huatai.report.export.wizard": {"action_export"},
                "huatai.report.schedule": {"action_send_now"},
                # complaint administrators only (ACL; _check_importer again
                # in the import itself)
                "huatai.register.import.wizard": {"action_check", "action_import"},
            },
        )

    def test_register_never_writes_a_server_path(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "x.xlsx")
            for target in (path, path.encode()):
                with self.assertRaises(TypeError):
                    self.Xlsx.with_user(self.head_zhejiang)._write_register(
                        target, date_from="2025-01-01", date_to="2025-12-31"
                    )
            with self.assertRaises(TypeError):
                self.Xlsx.with_user(self.hq_user)._write_statistics(
                    path, date(2025, 1, 1), date(2025, 3, 31)
                )
            with self.assertRaises(TypeError):
                self.Xlsx.with_user(self.hq_user)._write_regulator_summary(path, 2025)
            self.assertEqual(os.listdir(folder), [])

    # ------------------------------------------------------------------
    # statistics
    # ------------------------------------------------------------------
    def test_statistics_workbook(self):
        content, _name, count = self.Xlsx.with_user(self.head_zhejiang)._build(
            "statistics",
            date_from=date(2025, 1, 1),
            date_to=date(2025, 3, 31),
            period="month",
        )
        self.assertEqual(count, len(self.visible(self.head_zhejiang)))
        book = self.open_xlsx(content)
        self.assertEqual(
            book.sheetnames,
            [
                "Statistics",
                "By Unit",
                "By Complaint Type",
                "Improvement Actions",
                "About",
            ],
        )
        header, rows = self.sheet_rows(book["Statistics"])
        self.assertEqual(book["Statistics"].freeze_panes, "A2")
        detail = self.as_dicts(header, rows)
        data, total = detail[:-1], detail[-1]
        self.assertEqual(
            [
                (r["Period"], r["Accepting Unit"], r["Complaint Type"], r["Channel"])
                for r in data
            ],
            [
                ("2025-01", "杭州营业部", "Service", "Forwarded by Regulator"),
                ("2025-02", "杭州营业部", "Financial Service", "Email"),
            ],
        )
        self.assertEqual([r["Complaints"] for r in data], [1, 1])
        self.assertEqual(data[0]["Branch Company"], "浙江分公司")
        self.assertEqual(data[0]["Forwarded by Regulator"], 1)
        self.assertEqual(data[0]["Regulator Deadline Met (%)"], 1)
        self.assertEqual(data[1]["Compensation Claimed"], 5000)
        self.assertEqual(data[1]["Client Reached"], 1)
        self.assertEqual(data[1]["Satisfaction Rate"], 0)
        self.assertEqual(data[1]["Reply Compliance Rate"], 1)
        self.assertEqual(total["Period"], "Total")
        self.assertEqual(total["Complaints"], 2)
        self.assertEqual(total["Closed"], 2)

        header, rows = self.sheet_rows(book["By Unit"])
        by_unit = self.as_dicts(header, rows)
        self.assertEqual([r["Complaints"] for r in by_unit], [1, 1, 2])

        header, rows = self.sheet_rows(book["By Complaint Type"])
        by_type = self.as_dicts(header, rows)
        self.assertEqual(
            [
                (r["Period"], r["Rank"], r["Complaint Type"], r["Share"])
                for r in by_type
            ],
            [("2025-01", 1, "Service", 1), ("2025-02", 1, "Financial Service", 1)],
        )

    def test_statistics_recurring_types_trend(self):
        content, _name, _count = self.Xlsx.with_user(self.head_jiangsu)._build(
            "statistics",
            date_from=date(2025, 1, 1),
            date_to=date(2025, 3, 31),
            period="month",
        )
        header, rows = self.sheet_rows(self.open_xlsx(content)["By Complaint Type"])
        march = [r for r in self.as_dicts(header, rows) if r["Period"] == "2025-03"]
        # March: service x2 (Suzhou on-site, Nanjing dispatched); February
        # had service x1
        self.assertEqual(march[0]["Complaint Type"], "Service")
        self.assertEqual(
            (march[0]["Rank"], march[0]["Complaints"], march[0]["Previous Period"]),
            (1, 2, 1),
        )
        self.assertEqual(march[0]["Change"], 1)

    def test_statistics_empty_period(self):
        content, _name, count = self.Xlsx.with_user(self.hq_user)._build(
            "statistics", date_from=date(2010, 1, 1), date_to=date(2010, 12, 31)
        )
        self.assertEqual(count, 0)
        book = self.open_xlsx(content)
        header, rows = self.sheet_rows(book["Statistics"])
        self.assertEqual(header[:2], ["Period", "Branch Company"])
        self.assertEqual(len(rows), 1)  # the total line
        self.assertEqual(rows[0][header.index("Complaints")], 0)

    def test_statistics_refuses_foreign_unit(self):
        with self.assertRaises(UserError):
            self.Xlsx.with_user(self.head_zhejiang)._build(
                "statistics",
                date_from=date(2025, 1, 1),
                date_to=date(2025, 3, 31),
                unit_ids=self.nanjing.ids,
            )

    # ------------------------------------------------------------------
    # yearly CSRC summary
    # ------------------------------------------------------------------
    def summary(self, user, year=2025, **kwargs):
        content, _name, count = self.Xlsx.with_user(user)._build(
            "regulator_summary", year=year, **kwargs
        )
        book = self.open_xlsx(content)
        header, rows = self.sheet_rows(book.worksheets[0])
        return book, header, self.as_dicts(header, rows), count

    def test_regulator_summary_firm(self):
        _book, header, rows, count = self.summary(self.hq_user)
        self.assertEqual(count, len(self.visible(self.hq_user)))
        self.assertNotIn("Whistleblowing", header)
        by_code = {row["Unit Code"]: row for row in rows[:-1]}
        nanjing = by_code["T-JS-NJ"]
        self.assertEqual(nanjing["Complaints"], 5)
        self.assertEqual(
            (nanjing["Service"], nanjing["System"], nanjing["Marketing"]), (3, 1, 1)
        )
        self.assertEqual(nanjing["Branch Company"], "江苏分公司")
        self.assertEqual(nanjing["Unit Level"], "Sales Department")
        self.assertEqual(nanjing["Rejected"], 1)
        self.assertEqual(nanjing["Open"], 3)  # replied late, overdue, dispatched
        self.assertEqual(
            (nanjing["Replied in Time"], nanjing["Reply Deadline Missed"]), (1, 2)
        )
        hangzhou = by_code["T-ZJ-HZ"]
        self.assertEqual(
            (hangzhou["Complaints"], hangzhou["Forwarded by Regulator"]), (2, 1)
        )
        self.assertEqual(hangzhou["Compensation Claimed"], 5000)
        self.assertEqual(hangzhou["Reply Compliance Rate"], 1)
        # a sales department without complaints is listed with zeros
        self.assertEqual(by_code["T-ZJ-WZ"]["Complaints"], 0)
        # HQ units that accepted complaints are listed too
        self.assertEqual(by_code["HQ-RETAIL"]["Complaints"], 1)
        total = rows[-1]
        self.assertEqual(total["Branch Company"], "Firm Total")
        self.assertEqual(total["Complaints"], 9)
        self.assertEqual(total["Service"], 5)

    def test_regulator_summary_compliance_and_unit_head(self):
        _book, header, rows, count = self.summary(self.compliance_user)
        self.assertIn("Whistleblowing", header)
        self.assertEqual(rows[-1]["Complaints"], 10)
        self.assertEqual(rows[-1]["Whistleblowing"], 1)
        _book, header, rows, count = self.summary(self.head_jiangsu)
        codes = [row["Unit Code"] for row in rows[:-1]]
        self.assertEqual(sorted(codes), ["T-JS-NJ", "T-JS-SZ"])
        self.assertEqual(rows[-1]["Branch Company"], "Total")
        self.assertEqual(rows[-1]["Complaints"], count)
        self.assertEqual(count, 6)

    def test_regulator_summary_bad_input(self):
        with self.assertRaises(UserError):
            self.summary(self.hq_user, year=1990)
        with self.assertRaises(UserError):
            self.summary(self.hq_user, year=date.today().year + 1)
        with self.assertRaises(UserError):
            self.summary(self.hq_user, year="twenty")
        with self.assertRaises(UserError):
            self.summary(self.head_jiangsu, unit_ids=self.zhejiang.ids)
        _book, _header, rows, count = self.summary(self.hq_user, year=2010)
        self.assertEqual(count, 0)
        self.assertEqual(rows[-1]["Complaints"], 0)
        self.assertTrue(all(row["Complaints"] == 0 for row in rows))

    # ------------------------------------------------------------------
    # wizard
    # ------------------------------------------------------------------
    def test_wizard(self):
        Wizard = self.env["huatai.report.export.wizard"].with_user(self.head_jiangsu)
        wizard = Wizard.create(
            {
                "report_type": "statistics",
                "date_from": "2025-01-01",
                "date_to": "2025-03-31",
                "period": "quarter",
            }
        )
        self.assertEqual(wizard.unit_id, self.jiangsu)
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.head_jiangsu)
            .search(
                [("res_model", "=", "huatai.complaint.xlsx")], order="id desc", limit=1
            )
        )
        header, rows = self.sheet_rows(self.open_xlsx(attachment.raw)["By Unit"])
        self.assertEqual(rows[0][0], "2025-Q1")
        wizard.write({"report_type": "regulator_summary", "year": 2025})
        self.assertEqual(wizard.action_export()["type"], "ir.actions.act_url")
        wizard.write({"report_type": "register", "unit_id": self.hangzhou.id})
        with self.assertRaises(UserError):
            wizard.action_export()
        with self.assertRaises(AccessError):
            self.env["huatai.report.export.wizard"].with_user(
                self.staff_nanjing
            ).create({"report_type": "register"})

    def test_wizard_selection_is_read_with_the_users_rights(self):
        """Complaint ids given to the wizard over RPC do not widen what the
        user reads: another branch's complaint or a whistleblowing report in
        the selection is refused, and no file is made."""
        Wizard = self.env["huatai.report.export.wizard"].with_user(self.head_jiangsu)
        Attachment = self.env["ir.attachment"].sudo()
        files = [("res_model", "=", "huatai.complaint.xlsx")]
        before = Attachment.search(files)
        for other in (self.hangzhou_regulator, self.hq_whistle):
            wizard = Wizard.create(
                {
                    "report_type": "register",
                    "date_from": False,
                    "date_to": False,
                    "complaint_ids": [(6, 0, (self.nanjing_closed | other).ids)],
                }
            )
            with self.assertRaises(AccessError):
                wizard.action_export()
        self.assertEqual(Attachment.search(files), before)

    def test_chinese_headers(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints", "huatai_reports"], ["zh_CN"]
        )
        content, filename, _count = (
            self.Xlsx.with_user(self.head_jiangsu)
            .with_context(lang="zh_CN")
            ._build("register", date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
        )
        book = self.open_xlsx(content)
        self.assertEqual(book.sheetnames[0], "投诉台账")
        header, rows = self.sheet_rows(book.worksheets[0])
        self.assertEqual(header[:2], ["投诉编号", "接收时间"])
        self.assertTrue(filename.startswith("投诉台账"))
        row = self.as_dicts(header, rows)[0]
        self.assertEqual(row["受理渠道"], "书面-电子邮件")
        self.assertEqual(row["按时答复"], "是")
