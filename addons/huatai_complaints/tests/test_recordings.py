"""The recordings archive of the Customer Service Center (Art. 11, issue 15):
the audio files of every phone complaint, never a whistleblowing report's,
searchable by date, unit and complaint."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import ComplaintCase


@tagged("post_install", "-at_install")
class TestRecordingsArchive(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csc_user = cls._user("t_csc_rec", "user", cls.csc)
        cls.phone = cls._make(cls.nanjing, channel="phone")
        cls.phone_hz = cls._make(cls.hangzhou, channel="phone")
        cls.email = cls._make(cls.nanjing, channel="email")
        cls.report = cls._make(
            cls.nanjing, channel="phone", category_id=cls.category_whistleblowing.id
        )
        cls.recording = cls._attach(cls.phone, name="20260320-1030.mp3")
        cls._attach(cls.phone, name="身份证.jpg", mimetype="image/jpeg")
        cls.recording_hz = cls._attach(
            cls.phone_hz, name="hz.wav", mimetype="audio/wav"
        )
        cls._attach(cls.email, name="voice.mp3")
        cls._attach(cls.report, name="whistle.mp3")
        cls.Recording = cls.env["huatai.complaint.recording"]

    def test_the_center_sees_the_recordings_of_every_phone_complaint(self):
        lines = self.Recording.with_user(self.csc_user).search([])
        self.assertEqual(set(lines.ids), {self.recording.id, self.recording_hz.id})
        line = lines.filtered(lambda r: r.id == self.recording.id)
        self.assertEqual(line.reference, self.phone.name)
        self.assertEqual(line.accepting_unit_id, self.nanjing)
        self.assertEqual(base64.b64decode(line.datas), b"ID3 fake audio frame")
        # ... without reading the complaints themselves
        with self.assertRaises(AccessError):
            self.phone.with_user(self.csc_user).check_access("read")

    def test_searchable_by_unit_date_and_complaint(self):
        Recording = self.Recording.with_user(self.csc_user)
        self.assertEqual(
            Recording.search([("accepting_unit_id", "child_of", self.jiangsu.id)]).ids,
            self.recording.ids,
        )
        self.assertEqual(
            Recording.search([("reference", "ilike", self.phone_hz.name)]).ids,
            self.recording_hz.ids,
        )
        self.assertEqual(
            len(
                Recording.search(
                    [("received_date", ">=", self.phone.received_date.date())]
                )
            ),
            2,
        )

    def test_never_a_report_and_nobody_else(self):
        self.assertNotIn(
            self.report.id,
            self.Recording.with_user(self.compliance_user).search([]).complaint_id.ids,
        )
        self.assertFalse(self.Recording.with_user(self.staff_nanjing).search([]))
        self.assertFalse(self.Recording.with_user(self.head_jiangsu).search([]))
        with self.assertRaises(AccessError):
            self.Recording.with_user(self.staff_nanjing).browse(self.recording.id).read(
                ["datas"]
            )
        # handed over to Compliance: out of the archive at once
        self.phone.category_id = self.category_whistleblowing
        self.env.flush_all()
        self.assertEqual(
            self.Recording.with_user(self.csc_user).search([]).ids,
            self.recording_hz.ids,
        )


@tagged("post_install", "-at_install")
class TestRecordingsDownload(HttpCase, ComplaintCase):
    """``/web/content`` serves the file of an archive line the user may
    read, and nothing to the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csc_user = cls._user("t_csc_dl", "user", cls.csc)
        cls.phone = cls._make(cls.nanjing, channel="phone")
        cls.recording = cls._attach(cls.phone, name="20260320-1030.mp3")

    def test_downloaded_through_the_archive(self):
        url = f"/web/content/huatai.complaint.recording/{self.recording.id}/datas"
        self.authenticate("t_csc_dl", "t_csc_dl")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ID3 fake audio frame")
        self.authenticate("t_staff_nj", "t_staff_nj")
        response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"ID3 fake audio frame", response.content)
