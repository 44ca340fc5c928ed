from odoo import api, models


class HuataiComplaintWizardMixin(models.AbstractModel):
    """What every wizard on complaints shares: it is opened on complaints its
    user may work. Checked when the wizard is created, so that a wizard
    created over the API on another unit's complaint, or a whistleblowing
    report, shows nothing of it (its related fields are not read as
    superuser either)."""

    _name = "huatai.complaint.wizard.mixin"
    _description = "Wizard on Complaints"

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_complaint_access()
        return wizards

    def _check_complaint_access(self):
        for fname in ("complaint_id", "complaint_ids"):
            if fname in self._fields:
                self.sudo()[fname].with_env(self.env).check_access("write")
