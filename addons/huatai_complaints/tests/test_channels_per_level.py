"""Channels per level (Art. 11, issue 15): branches and sales departments
take on-site, phone, fax and email complaints; administrators may open
letters and regulator forwardings there too."""

import importlib.util
from pathlib import Path

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestChannelsPerLevel(ComplaintCase):
    def test_shipped_channels_follow_the_rules(self):
        for unit in (self.jiangsu, self.nanjing):
            for channel in ("onsite", "phone", "fax", "email"):
                self.assertTrue(unit._accepts_channel(channel), channel)
            for channel in ("letter", "regulator", "website"):
                self.assertFalse(unit._accepts_channel(channel), channel)
        for channel in ("phone", "letter", "email", "fax", "website", "regulator"):
            self.assertTrue(self.retail_hq._accepts_channel(channel), channel)

    def test_a_letter_at_a_sales_department_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "南京鼓楼营业部"):
            self._make(self.nanjing, channel="letter")
        with self.assertRaisesRegex(ValidationError, "江苏分公司"):
            self._make(self.jiangsu, channel="regulator")
        self.assertEqual(self._make(self.nanjing, channel="fax").channel, "fax")

    def test_administrators_may_widen_them(self):
        settings = self.env["res.config.settings"].with_user(
            self.env.ref("base.user_admin")
        )
        settings.create({"huatai_local_accepts_letter": True}).execute()
        self.assertTrue(self.nanjing._accepts_channel("letter"))
        self.assertFalse(self.nanjing._accepts_channel("regulator"))
        complaint = self._make(self.nanjing, channel="letter")
        self.assertEqual(complaint.accepting_unit_id, self.nanjing)


@tagged("post_install", "-at_install")
class TestChannelsMigration(ComplaintCase):
    """Upgrading to 18.0.1.2.0 keeps open the channels a database's branches
    already used, and only those."""

    @staticmethod
    def _migration():
        path = Path(__file__).parent.parent / "migrations/18.0.1.2.0/post-migrate.py"
        spec = importlib.util.spec_from_file_location("huatai_channels_migration", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def test_channels_in_use_stay_open(self):
        Param = self.env["ir.config_parameter"]
        self._open_local_channels("letter")
        self._make(self.nanjing, channel="letter")
        Param.search([("key", "like", "huatai_complaints.local_accepts_%")]).unlink()
        self.env.flush_all()
        self._migration().migrate(self.env.cr, "18.0.1.0.0")
        self.env.registry.clear_cache()
        self.assertEqual(
            Param.get_param("huatai_complaints.local_accepts_letter"), "True"
        )
        self.assertFalse(Param.get_param("huatai_complaints.local_accepts_regulator"))
        self.assertTrue(self.nanjing._accepts_channel("letter"))
        self.assertFalse(self.nanjing._accepts_channel("regulator"))
