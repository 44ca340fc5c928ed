"""Import of historical complaint registers (台账)."""

import base64
import csv
import io
from datetime import date
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models import register_file
from .common import ReportCase, utc

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


@tagged("post_install", "-at_install")
class TestRegisterImport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Import = cls.env["huatai.complaint.register.import"]
        cls.finished = (
            cls.nanjing_closed
            | cls.nanjing_rejected
            | cls.hangzhou_regulator
            | cls.hangzhou_compensation
        )
        cls.finished_names = cls.finished.mapped("name")
        cls.n_nanjing_closed = cls.nanjing_closed.name
        cls.n_nanjing_rejected = cls.nanjing_rejected.name
        cls.n_hangzhou_regulator = cls.hangzhou_regulator.name
        cls.hangzhou_compensation_name = cls.hangzhou_compensation.name
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["huatai_complaints", "huatai_reports"], ["zh_CN"]
        )

    def _export(self, complaints, lang="zh_CN"):
        content, _name, count = (
            self.Xlsx.with_user(self.compliance_user)
            .with_context(lang=lang, tz="Asia/Shanghai")
            ._build("register", domain=[("id", "in", complaints.ids)])
        )
        self.assertEqual(count, len(complaints))
        return content

    def _statistics(self):
        return self.Report.with_user(self.compliance_user)._get_statistics(
            *YEAR, period="month", groupby=["accepting_unit_id", "category_id"]
        )

    def _delete(self, complaints):
        complaints.sudo().with_context(active_test=False).unlink()
        self.env.flush_all()

    def _import(self, content, filename="台账.xlsx", dry_run=False, user=None):
        Import = self.Import.with_user(user or self.admin_user).with_context(
            tz="Asia/Shanghai"
        )
        return Import._import_register(content, filename, dry_run=dry_run)

    def _csv(self, rows):
        stream = io.StringIO()
        csv.writer(stream).writerows(rows)
        return stream.getvalue().encode("utf-8-sig")

    def _register_csv(self, complaints, lang="zh_CN"):
        """The exported register, as a csv (as Excel would save it)."""
        book = self.open_xlsx(self._export(complaints, lang))
        header, rows = self.sheet_rows(book.worksheets[0])

        def text(value):
            if value is None:
                return ""
            if hasattr(value, "strftime"):
                return value.strftime("%Y-%m-%d %H:%M:%S")
            return str(value)

        return header, [[text(v) for v in row] for row in rows]

    def _returned_twice(self):
        """hangzhou_regulator: two callbacks found the client dissatisfied
        (each sent it back to handling), the third satisfied; called by its
        replying unit (the unit an import gives a callback)."""
        complaint = self.hangzhou_regulator
        self.regulator_callback_unit = (
            complaint.replied_unit_id or complaint.handling_unit_id
        )
        self.env["huatai.complaint.callback"].create(
            [
                {
                    "complaint_id": complaint.id,
                    "date": utc(date(2025, 2, 11), 9 + attempt),
                    "unit_id": self.regulator_callback_unit.id,
                    "attempt": attempt,
                    "reached": True,
                    "satisfied": attempt == 3,
                }
                for attempt in (1, 2, 3)
            ]
        )
        self.env.flush_all()
        self.assertEqual(
            (
                self.hangzhou_regulator.dissatisfied_callback_count,
                self.hangzhou_regulator.callback_result,
            ),
            (2, "satisfied"),
        )

    # ------------------------------------------------------------------
    def test_exported_register_reimports_with_identical_statistics(self):
        self._returned_twice()
        before = self._statistics()
        # returned after a dissatisfied callback: hangzhou_regulator (January,
        # twice, then satisfied) and hangzhou_compensation (February, its
        # last callback dissatisfied)
        self.assertEqual(
            [
                (row["period_start"], row["returned_after_callback"])
                for row in before
                if row["returned_after_callback"]
            ],
            [(date(2025, 1, 1), 1), (date(2025, 2, 1), 1)],
        )
        content = self._export(self.finished)
        header, rows = self.sheet_rows(self.open_xlsx(content).worksheets[0])
        exported = {row[0]: row[header.index("回访不满意退回次数")] for row in rows}
        self.assertEqual(
            exported,
            {
                self.n_nanjing_closed: 0,
                self.n_nanjing_rejected: None,
                self.n_hangzhou_regulator: 2,
                self.hangzhou_compensation_name: 1,
            },
        )
        names = self.finished_names
        fields = ["name", "received_date", "accepted_date", "replied_date"]
        fields += ["closed_date", "stage_id", "accept_deadline", "reply_deadline"]
        fields += ["regulator_deadline", "compensation_amount", "callback_result"]
        fields += ["accepting_unit_id", "handling_unit_id", "category_id", "is_major"]
        fields += ["user_id", "accepting_user_id", "replied_by_id", "channel"]
        fields += ["regulator_authority", "regulator_reference", "is_confidential"]
        fields += ["callback_attempt_count", "dissatisfied_callback_count"]
        fields += ["returned_after_callback"]
        original = {c["name"]: c for c in self.finished.read(fields)}
        self._delete(self.finished)
        self.assertNotEqual(self._statistics(), before)

        result = self._import(content)
        self.assertEqual(result["errors"], [])
        self.assertEqual((result["rows"], result["imported"]), (4, 4))
        imported = self.Complaint.search([("name", "in", names)])
        self.assertEqual(len(imported), 4)
        for record in imported.read(fields):
            expected = original[record["name"]]
            for field in fields[1:]:
                self.assertEqual(record[field], expected[field], field)
        # the first callback's day ("Called Back On") comes back, one
        # dissatisfied callback per return to handling, then the last outcome
        callbacks = self.env["huatai.complaint.callback"].search(
            [("complaint_id", "in", imported.ids)]
        )
        self.assertEqual(
            sorted(
                (cb.complaint_id.name, cb.date, cb.attempt, cb.result, cb.unit_id)
                for cb in callbacks
            ),
            sorted(
                [
                    (
                        self.n_nanjing_closed,
                        utc(date(2025, 1, 13), 12),
                        1,
                        "satisfied",
                        self.nanjing,
                    ),
                    *(
                        (
                            self.n_hangzhou_regulator,
                            utc(date(2025, 2, 11), 12, attempt - 1),
                            attempt,
                            result,
                            self.regulator_callback_unit,
                        )
                        for attempt, result in (
                            (1, "dissatisfied"),
                            (2, "dissatisfied"),
                            (3, "satisfied"),
                        )
                    ),
                    (
                        self.hangzhou_compensation_name,
                        utc(date(2025, 2, 17), 12),
                        1,
                        "dissatisfied",
                        self.hangzhou,
                    ),
                ]
            ),
        )
        # the complaints' figures agree with their callbacks, as the
        # callbacks' computations read them
        for complaint in imported:
            made = complaint.callback_ids.sorted(lambda cb: (cb.date, cb.id))
            dissatisfied = len(made.filtered(lambda cb: cb.result == "dissatisfied"))
            self.assertEqual(
                (
                    complaint.dissatisfied_callback_count,
                    complaint.returned_after_callback,
                    complaint.callback_result,
                ),
                (dissatisfied, bool(dissatisfied), made[-1:].result or False),
                complaint.name,
            )
        # every figure counts the same, the returns after a dissatisfied
        # callback and the callback timeliness included
        self.assertEqual(self._statistics(), before)

    def test_register_without_the_returns_column(self):
        """A register exported before the column: a dissatisfied last
        callback is one return, the others none."""
        self._returned_twice()
        header, rows = self._register_csv(self.finished)
        self._delete(self.finished)
        col = header.index("回访不满意退回次数")
        header = header[:col] + header[col + 1 :]
        rows = [row[:col] + row[col + 1 :] for row in rows]
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual((result["errors"], result["imported"]), ([], 4))
        imported = self.Complaint.search([("name", "in", self.finished_names)])
        self.assertEqual(
            {c.name: c.dissatisfied_callback_count for c in imported},
            {
                self.n_nanjing_closed: 0,
                self.n_nanjing_rejected: 0,
                # the register only held the last outcome: satisfied
                self.n_hangzhou_regulator: 0,
                self.hangzhou_compensation_name: 1,
            },
        )
        self.assertEqual(
            imported.filtered("returned_after_callback").mapped("name"),
            [self.hangzhou_compensation_name],
        )

    def test_bad_returns_after_callback_are_row_errors(self):
        header, rows = self._register_csv(self.finished)
        self._delete(self.finished)
        col = {h: i for i, h in enumerate(header)}
        returns = col["回访不满意退回次数"]
        by_name = {row[col["投诉编号"]]: row for row in rows}
        for value in ("-1", "1.5", "两次"):
            by_name[self.n_nanjing_closed][returns] = value
            # more returns than callback attempts (2)
            by_name[self.hangzhou_compensation_name][returns] = "3"
            # returns of a complaint never called back
            by_name[self.n_nanjing_rejected][returns] = "1"
            result = self._import(self._csv([header, *rows]), "register.csv")
            self.assertEqual(result["imported"], 0, value)
            self.assertEqual(
                [(row, column) for row, column, _message in result["errors"]],
                [(2, "回访不满意退回次数"), (3, "回访不满意退回次数")]
                + [(5, "回访不满意退回次数")],
                value,
            )
        # the last callback dissatisfied, yet no return
        by_name[self.n_nanjing_closed][returns] = "0"
        by_name[self.n_nanjing_rejected][returns] = ""
        by_name[self.hangzhou_compensation_name][returns] = "0"
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual(
            [(row, column) for row, column, _message in result["errors"]],
            [(5, "回访不满意退回次数")],
        )
        self.assertFalse(self.Complaint.search([("name", "in", self.finished_names)]))
        by_name[self.hangzhou_compensation_name][returns] = "2"
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual((result["errors"], result["imported"]), ([], 4))
        complaint = self.Complaint.search(
            [("name", "=", self.hangzhou_compensation_name)]
        )
        self.assertEqual(
            complaint.callback_ids.sorted("attempt").mapped("result"),
            ["dissatisfied", "dissatisfied"],
        )

    def test_imported_complaints_run_no_clock(self):
        content = self._export(self.nanjing_closed | self.hangzhou_regulator)
        self._delete(self.nanjing_closed | self.hangzhou_regulator)
        mails = self.env["mail.mail"].search_count([])
        messages = self.env["mail.message"].search_count([])
        self._import(content)
        imported = self.Complaint.search(
            [("name", "in", [self.n_nanjing_closed, self.n_hangzhou_regulator])]
        )
        self.assertEqual(len(imported), 2)
        for complaint in imported:
            self.assertTrue(complaint.is_closed)
            self.assertFalse(complaint.deadline_state)
            self.assertFalse(complaint.next_deadline)
            self.assertFalse(complaint.activity_ids)
            self.assertFalse(complaint.acknowledgement_pending)
            self.assertFalse(complaint.routing_rule_id)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    def test_reimport_is_idempotent(self):
        content = self._export(self.finished)
        self._delete(self.nanjing_closed)
        first = self._import(content)
        self.assertEqual((first["new"], first["existing"]), (1, 3))
        self.assertEqual(first["imported"], 1)
        again = self._import(content)
        self.assertEqual(
            (again["new"], again["existing"], again["imported"]), (0, 4, 0)
        )
        self.assertEqual(
            self.Complaint.search_count([("name", "=", self.n_nanjing_closed)]), 1
        )

    def test_preview_imports_nothing(self):
        content = self._export(self.finished)
        self._delete(self.finished)
        result = self._import(content, dry_run=True)
        self.assertEqual((result["rows"], result["new"], result["imported"]), (4, 4, 0))
        self.assertEqual(len(result["preview"]), 4)
        self.assertEqual(result["preview"][0]["投诉编号"], self.n_nanjing_closed)
        self.assertFalse(self.Complaint.search([("name", "=", self.n_nanjing_closed)]))

    def test_csv_with_english_headers_and_codes(self):
        header, rows = self._register_csv(self.finished, lang="en_US")
        self._delete(self.finished)
        col = {h: i for i, h in enumerate(header)}
        # units by code, staff by login, types by code
        rows[0][col["Accepting Unit"]] = "T-JS-NJ"
        rows[0][col["Owner"]] = "t_staff_nj"
        rows[0][col["Complaint Type"]] = "service"
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual(result["errors"], [])
        self.assertEqual(result["imported"], 4)
        complaint = self.Complaint.search([("name", "=", self.n_nanjing_closed)])
        self.assertEqual(complaint.received_date, utc(date(2025, 1, 6)))
        self.assertEqual(complaint.closed_date, utc(date(2025, 1, 15), 9))
        self.assertEqual(complaint.accepting_unit_id, self.nanjing)
        self.assertEqual(complaint.user_id, self.staff_nanjing)
        self.assertEqual(complaint.category_id, self.cat["service"])

    def test_oversized_files_are_refused(self):
        with patch.object(register_file, "MAX_BYTES", 1000):
            result = self._import(self._export(self.finished))
        self.assertEqual(result["imported"], 0)
        self.assertEqual(len(result["errors"]), 1)
        self.assertEqual(result["errors"][0][:2], (0, ""))
        self.assertIn("MB", result["errors"][0][2])

    def test_names_shared_by_two_units_ask_for_the_code(self):
        header, rows = self._register_csv(self.nanjing_closed)
        self._delete(self.nanjing_closed)
        self.env["huatai.org.unit"].create(
            {
                "name": "南京鼓楼营业部",
                "code": "R-X1",
                "kind": "department",
                "parent_id": self.hq.id,
            }
        )
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual(result["imported"], 0)
        self.assertIn(("受理机构", 2), {(e[1], e[0]) for e in result["errors"]})

    def test_bad_rows_are_reported_and_nothing_imported(self):
        header, rows = self._register_csv(self.finished)
        self._delete(self.finished)
        col = {h: i for i, h in enumerate(header)}
        rows[0][col["受理机构"]] = "不存在的营业部"
        rows[1][col["接收时间"]] = "2099-01-01 10:00:00"
        rows[2][col["投诉编号"]] = rows[3][col["投诉编号"]]
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual(result["imported"], 0)
        self.assertEqual(
            [(row, column) for row, column, _message in result["errors"]],
            [(2, "受理机构"), (3, "接收时间"), (5, "投诉编号")],
        )
        self.assertFalse(self.Complaint.search([("name", "in", self.finished_names)]))
        report = self.Import._errors_csv(result["errors"]).decode("utf-8-sig")
        self.assertIn("不存在的营业部", report)

    def test_open_complaints_are_refused(self):
        header, rows = self._register_csv(self.nanjing_overdue)
        self._delete(self.nanjing_overdue)
        result = self._import(self._csv([header, *rows]), "register.csv")
        self.assertEqual(result["imported"], 0)
        self.assertEqual(
            {column for _row, column, _message in result["errors"]},
            {"阶段", "结束时间"},
        )

    def test_wrong_headers_and_unreadable_files(self):
        result = self._import(self._csv([["编号", "时间"], ["X", "Y"]]), "a.csv")
        self.assertEqual([e[:2] for e in result["errors"]], [(1, "编号")])
        result = self._import(b"PK\x03\x04 not a workbook", "a.xlsx")
        self.assertEqual(len(result["errors"]), 1)
        self.assertEqual(result["errors"][0][0], 0)
        result = self._import(b"", "a.csv")
        self.assertEqual(result["errors"][0][0], 0)
        result = self._import(b"%PDF-1.4", "a.pdf")
        self.assertEqual(result["errors"][0][0], 0)

    def test_only_complaint_administrators_import(self):
        content = self._export(self.finished)
        for user in (self.staff_nanjing, self.head_jiangsu, self.hq_user):
            with self.assertRaises(AccessError):
                self._import(content, user=user)

    def test_wizard_checks_then_imports(self):
        content = self._export(self.finished)
        self._delete(self.finished)
        Wizard = self.env["huatai.register.import.wizard"].with_user(self.admin_user)
        wizard = Wizard.create(
            {"file": base64.b64encode(content), "filename": "台账.xlsx"}
        )
        wizard.with_context(tz="Asia/Shanghai").action_check()
        self.assertEqual(
            (wizard.state, wizard.row_count, wizard.new_count), ("preview", 4, 4)
        )
        self.assertIn(self.n_nanjing_closed, wizard.preview_html)
        wizard.with_context(tz="Asia/Shanghai").action_import()
        self.assertEqual((wizard.state, wizard.imported_count), ("done", 4))

    def test_wizard_offers_the_error_report(self):
        Wizard = self.env["huatai.register.import.wizard"].with_user(self.admin_user)
        wizard = Wizard.create(
            {
                "file": base64.b64encode(self._csv([["编号"], ["X"]])),
                "filename": "bad.csv",
            }
        )
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.error_count), ("error", 1))
        report = base64.b64decode(wizard.error_file).decode("utf-8-sig")
        self.assertIn("编号", report)
