"""Channels per level (Art. 11, issue 15): branches and sales departments now
take on-site, phone, fax and email complaints only; letters and regulator
forwardings go to company HQ unless an administrator opens them there
(Settings > Complaints).

A database whose branches or sales departments already registered letters or
regulator forwardings keeps that channel open at upgrade, so that their work
is not refused overnight: the administrator narrows it in the settings when
the practice follows the rules.
"""

import logging

_logger = logging.getLogger(__name__)

PARAMS = {
    "letter": "huatai_complaints.local_accepts_letter",
    "regulator": "huatai_complaints.local_accepts_regulator",
}


def migrate(cr, version):
    if not version:
        return
    for channel, param in PARAMS.items():
        cr.execute(
            """
            SELECT count(*)
              FROM huatai_complaint c
              JOIN huatai_org_unit u ON u.id = c.accepting_unit_id
             WHERE c.channel = %s AND u.kind IN ('branch', 'sales_department')
            """,
            [channel],
        )
        (count,) = cr.fetchone()
        if not count:
            continue
        cr.execute(
            """
            INSERT INTO ir_config_parameter (key, value, create_uid, write_uid,
                                             create_date, write_date)
            VALUES (%s, 'True', 1, 1, now() at time zone 'UTC',
                    now() at time zone 'UTC')
            ON CONFLICT (key) DO NOTHING
            """,
            [param],
        )
        _logger.info(
            "Channels per level: %s complaints of channel %s were registered at "
            "branches or sales departments; the channel stays open there (%s)",
            count,
            channel,
            param,
        )
