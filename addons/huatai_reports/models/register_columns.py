"""The columns of a historical register that the import reads, and how.

The register is the product's own register export
(``huatai.complaint.xlsx._register_columns``); the derived figures of the
export are accepted and ignored.
"""

import re
from datetime import date

MAX_ROWS = 500_000
INSERT_CHUNK = 5000
PREVIEW_ROWS = 5
EARLIEST = date(1990, 1, 1)
LANGS = ("zh_CN", "en_US")
# register columns that the import reads -> how
# (the others: derived figures, accepted and ignored)
MOMENTS = ("received", "accepted", "replied", "closed")
DAYS = (
    "regulator_deadline",
    "accept_deadline",
    "reply_deadline",
    "callback_deadline",
    "callback_date",
)
TEXTS = {
    "name": "name",
    "complainant": "complainant_name",
    "phone": "complainant_phone",
    "email": "complainant_email",
    "address": "complainant_address",
    "client_account": "client_account",
    "id_number": "complainant_id_number",
    "respondent": "respondent_name",
    "respondent_position": "respondent_position",
    "description": "description",
    "demand": "demand",
    "regulator_reference": "regulator_reference",
    "rejection_reason": "rejection_reason",
}
SELECTIONS = {
    "channel": "channel",
    "regulator_authority": "regulator_authority",
    "recording_consent": "recording_consent_state",
    "reply_method": "reply_method",
    "callback_result": "callback_result",
}
FLAGS = ("is_major", "is_group", "is_difficult", "is_media", "is_judicial")
UNITS = {
    "accepting_unit": "accepting_unit_id",
    "handling_unit": "handling_unit_id",
    "respondent_unit": "respondent_unit_id",
    "replied_unit": "replied_unit_id",
}
USERS = {
    "accepting_user": "accepting_user_id",
    "owner": "user_id",
    "replied_by": "replied_by_id",
}
NUMBERS = (
    ("compensation_amount", "compensation_amount", float),
    ("complainant_count", "complainant_count", int),
    ("callback_attempts", "callback_attempt_count", int),
    # optional (registers exported before it have none): see
    # huatai.complaint.register.import._check_callback_returns
    ("callback_returns", "dissatisfied_callback_count", int),
    ("satisfaction_score", "satisfaction_score", float),
)
REQUIRED = ("name", "received", "channel", "category", "accepting_unit", "complainant")
NAME_PATTERN = re.compile(r"^TS(\d{4})-(\d+)$")


class RegisterError(Exception):
    """One problem of one row (or of the file: row 0)."""

    def __init__(self, row, column, message):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message
