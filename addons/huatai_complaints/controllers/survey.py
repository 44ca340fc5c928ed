from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class HuataiComplaintSurvey(Survey):
    def _check_validity(
        self, survey_token, answer_token, ensure_token=True, check_partner=True
    ):
        """Staff who opened an answer for a client (to fill the satisfaction
        survey in with them by phone) may take that answer although it is the
        client's, not theirs."""
        validity = super()._check_validity(
            survey_token,
            answer_token,
            ensure_token=ensure_token,
            check_partner=check_partner,
        )
        if validity == "answer_wrong_user" and answer_token:
            _survey, answer_sudo = self._fetch_from_access_token(
                survey_token, answer_token
            )
            if (
                answer_sudo.complaint_id
                and answer_sudo.filled_by_id
                and answer_sudo.filled_by_id == request.env.user
            ):
                return True
        return validity
