"""The branch review of every complaint of a sales department (Art. 6,
issue 15): the branch company reviews the handling plans of its sales
departments. The review rule ``review_rule_branch_all`` shipped archived in
18.0.1.2.0 and ships active now; its data is ``noupdate``, so an upgrade
does not touch it: this script switches it on, unless an administrator
decided about it.

- Activated: the rule is still archived and was never written since the
  module loaded it (its ``write_date`` equals its ``create_date``: the record
  as 18.0.1.2.0 created it; loading translations does not write it).
- Left as it is: a rule written since (archived again after a try, renamed,
  narrowed to a level...) keeps the administrator's choice; a rule already
  active has nothing to do; a database without the record (removed by an
  administrator) is not given it back by this script.

Complaints already replied to keep their reply. The open complaints handled
at a sales department now wait for the branch review before their reply: the
log says how many, so that the branch heads can be told.
"""

import logging

_logger = logging.getLogger(__name__)

XMLID = ("huatai_complaints", "review_rule_branch_all")


def migrate(cr, version):
    if version:
        activate_branch_review(cr)


def activate_branch_review(cr):
    """Switch the rule on where it is as 18.0.1.2.0 left it; return how many
    open complaints of sales departments now wait for the branch review
    (None: the rule is left as it is)."""
    cr.execute(
        """
        UPDATE huatai_complaint_review_rule r
           SET active = TRUE
          FROM ir_model_data d
         WHERE d.module = %s AND d.name = %s
           AND d.model = 'huatai.complaint.review.rule'
           AND r.id = d.res_id
           AND NOT r.active
           AND r.write_date = r.create_date
        RETURNING r.id
        """,
        list(XMLID),
    )
    if not cr.fetchall():
        _logger.info(
            "Branch review of every complaint of a sales department: the rule "
            "%s.%s is left as it is (active, changed by an administrator, or "
            "removed)",
            *XMLID,
        )
        return None
    cr.execute(
        """
        SELECT count(*)
          FROM huatai_complaint c
          JOIN huatai_org_unit u ON u.id = c.handling_unit_id
         WHERE u.kind = 'sales_department'
           AND c.replied_date IS NULL
           AND NOT COALESCE(c.is_closed, FALSE)
        """
    )
    (count,) = cr.fetchone()
    _logger.info(
        "Branch review of every complaint of a sales department: the rule "
        "%s.%s is now active; %s open complaints of sales departments wait for "
        "the branch review of their handling plan before their reply",
        *XMLID,
        count,
    )
    return count
