from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from ..tools import settings as S
from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestSettings(ComplaintCase):
    """Settings > Complaints: the parameters intake, deadlines and the
    retention job read, checked when saved."""

    def param(self, key):
        return self.env["ir.config_parameter"].get_param(f"huatai_complaints.{key}")

    def test_saved_settings_drive_the_complaints(self):
        form = Form(self.env["res.config.settings"])
        # the shipped values are shown
        self.assertEqual(form.huatai_group_threshold, 5)
        self.assertEqual(form.huatai_retention_years, 20)
        self.assertEqual(form.huatai_web_form_max_files, 5)
        self.assertIn("pdf", form.huatai_web_form_extensions)
        form.huatai_group_threshold = 3
        form.huatai_due_soon_days = 4
        form.huatai_retention_years = 30
        form.huatai_web_form_max_files = 2
        form.huatai_web_form_extensions = "pdf, jpg,.MP3"
        form.huatai_survey_send_on = "close"
        form.save().execute()
        self.assertEqual(self.param("group_threshold"), "3")
        self.assertEqual(self.param("retention_years"), "30")
        self.assertEqual(self.param("survey_send_on"), "close")
        complaint = self._make(self.nanjing, complainant_count=3)
        self.assertTrue(complaint.is_group)
        self.assertEqual(self.Complaint._due_soon_days(), 4)
        limits = self.Complaint._web_form_limits()
        self.assertEqual(limits["max_files"], 2)
        self.assertEqual(limits["extensions"], {"pdf", "jpg", "mp3"})
        self.assertEqual(self.Complaint._retention_years(), 30)

    def test_bad_values_are_refused_and_nothing_is_lost(self):
        self.env["ir.config_parameter"].set_param(
            "huatai_complaints.group_threshold", 4
        )
        cases = {
            "huatai_group_threshold": 1,
            "huatai_retention_years": 10,
            "huatai_spot_check_percent": 150,
            "huatai_web_form_rate_limit": 0,
            "huatai_web_form_max_total_mb": 5,  # below the largest file (10)
            "huatai_web_form_extensions": "pdf, exe",
            "huatai_description_max_chars": 10,
        }
        for name, value in cases.items():
            with self.subTest(name), self.assertRaises(ValidationError):
                self.env["res.config.settings"].create({name: value})
        with self.assertRaises(ValidationError) as error:
            self.env["res.config.settings"].create(
                {"huatai_web_form_extensions": "pdf; doc"}
            )
        self.assertIn("pdf; doc", str(error.exception))
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"huatai_web_form_extensions": " "})
        # what was saved before stays
        self.assertEqual(self.param("group_threshold"), "4")
        self.assertEqual(self.Complaint._get_setting(S.WEB_FORM_MAX_TOTAL_MB), 20)

    def test_every_setting_reads_its_one_definition(self):
        """The settings view shows the definition's label and default; a
        parameter never saved, or unusable, reads as the default; a value
        out of bounds is brought within them."""
        Params = self.env["ir.config_parameter"]
        form = Form(self.env["res.config.settings"])
        Settings = self.env["res.config.settings"]
        for setting in S.SETTINGS:
            with self.subTest(setting.key):
                field = Settings._fields[setting.field]
                self.assertEqual(field.config_parameter, setting.param)
                self.assertEqual(field.string, setting.label)
                Params.search([("key", "=", setting.param)]).unlink()
                self.assertEqual(self.Complaint._get_setting(setting), setting.default)
                if setting is not S.SATISFACTION_SURVEY:
                    self.assertEqual(
                        Form(self.env["res.config.settings"])[setting.field],
                        setting.default,
                    )
        self.assertEqual(form.huatai_due_soon_days, 2)
        Params.set_param(S.DUE_SOON_DAYS.param, "two")
        self.assertEqual(self.Complaint._due_soon_days(), 2)
        Params.set_param(S.GROUP_THRESHOLD.param, "1")
        self.assertEqual(self.Complaint._group_threshold(), 2)
        Params.set_param(S.SPOT_CHECK_PERCENT.param, "150")
        self.assertEqual(
            self.env["huatai.callback.spot.check"]._sample_percent(), 100.0
        )
        # the analysis thresholds, the channels and the compensation limits
        # read the same definitions (keys unchanged)
        Params.set_param("huatai_complaints.incident_window_minutes", "5")
        self.assertEqual(S.read_setting(self.env, S.INCIDENT_WINDOW_MINUTES), 10)
        Params.set_param("huatai_complaints.local_accepts_letter", "True")
        self.assertIs(S.read_setting(self.env, S.LOCAL_ACCEPTS_LETTER), True)
        Params.set_param("huatai_complaints.compensation_limit_branch", "x")
        self.assertEqual(self.Complaint._compensation_limit("branch"), 100000.0)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"huatai_duplicate_days": 0})

    def test_complainant_language_choices(self):
        langs = dict(self.env["res.config.settings"]._get_complainant_langs())
        self.assertIn("zh_CN", langs)
        self.assertIn("en_US", langs)

    def test_settings_are_for_administrators(self):
        menu = self.env.ref("huatai_complaints.menu_complaints_settings")
        self.assertEqual(menu.groups_id, self.env.ref("base.group_system"))
