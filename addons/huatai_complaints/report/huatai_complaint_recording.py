from odoo import fields, models, tools
from odoo.tools import SQL, human_size

CSC_XMLID = "unit_customer_service_center"


class HuataiComplaintRecording(models.Model):
    """The call recordings of phone complaints, as the Customer Service
    Center receives them (Art. 11): every audio file attached to a phone
    complaint of any unit, never those of a whistleblowing report.

    A read-only view over the complaints' attachments. The Center's members
    read it (record rules) without reading the complaints themselves; the
    file is served by ``datas`` once the record rules let the user read the
    line.
    """

    _name = "huatai.complaint.recording"
    _description = "Call Recording of a Complaint"
    _auto = False
    _order = "received_date desc, id desc"
    _rec_name = "name"
    _depends = {
        "huatai.complaint": [
            "name",
            "channel",
            "is_confidential",
            "received_date",
            "accepting_unit_id",
            "handling_unit_id",
        ],
        "ir.attachment": ["name", "mimetype", "file_size", "res_model", "res_id"],
    }

    name = fields.Char(string="File", readonly=True)
    mimetype = fields.Char(string="Type", readonly=True)
    file_size = fields.Integer(string="Size (Bytes)", readonly=True)
    upload_date = fields.Datetime(string="Uploaded On", readonly=True)
    complaint_id = fields.Many2one("huatai.complaint", readonly=True)
    reference = fields.Char(string="Complaint Reference", readonly=True)
    received_date = fields.Datetime(string="Received On", readonly=True)
    accepting_unit_id = fields.Many2one("huatai.org.unit", readonly=True)
    handling_unit_id = fields.Many2one("huatai.org.unit", readonly=True)
    csc_unit_id = fields.Many2one(
        "huatai.org.unit", string="Archived At", readonly=True
    )
    datas = fields.Binary(
        string="Recording", compute="_compute_datas", attachment=False
    )

    def _compute_datas(self):
        """The audio file, for the lines the user may read (the record rules
        of this model, not those of the complaint)."""
        readable = self._filtered_access("read")
        if self.env.context.get("bin_size"):
            # a list shows the size, the download fetches the file
            for recording in self:
                recording.datas = (
                    human_size(recording.file_size) if recording in readable else False
                )
            return
        files = {
            att.id: att.datas
            for att in self.env["ir.attachment"].sudo().browse(readable.ids)
        }
        for recording in self:
            recording.datas = (
                files.get(recording.id) if recording in readable else False
            )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT a.id AS id,
                           a.name AS name,
                           a.mimetype AS mimetype,
                           a.file_size AS file_size,
                           a.create_date AS upload_date,
                           c.id AS complaint_id,
                           c.name AS reference,
                           c.received_date AS received_date,
                           c.accepting_unit_id AS accepting_unit_id,
                           c.handling_unit_id AS handling_unit_id,
                           (SELECT d.res_id FROM ir_model_data d
                             WHERE d.module = 'huatai_complaints'
                               AND d.name = %(csc)s
                               AND d.model = 'huatai.org.unit') AS csc_unit_id
                      FROM ir_attachment a
                      JOIN huatai_complaint c
                        ON a.res_model = 'huatai.complaint' AND a.res_id = c.id
                     WHERE a.res_field IS NULL
                       AND a.mimetype LIKE %(audio)s
                       AND c.channel = 'phone'
                       AND c.is_confidential IS NOT TRUE
                )
                """,
                table=SQL.identifier(self._table),
                csc=CSC_XMLID,
                audio="audio/%",
            )
        )
