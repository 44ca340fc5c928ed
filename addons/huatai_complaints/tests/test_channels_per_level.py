"""Channels per level (Art. 11, issue 15): branches and sales departments
take on-site, phone, fax and email complaints; administrators may open
letters and regulator forwardings there too."""

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
