"""Window actions returned by buttons: one way to build them.

The XML actions of ``views/`` and ``wizard/`` open the menus; a button that
opens records or a wizard for the record it is on returns one of these.
"""


def window_action(name, res_model, view_mode="list,form", **options):
    """An ``ir.actions.act_window`` dict: ``options`` are the action's other
    keys (``domain``, ``context``, ``target``, ``res_id``, ``views``...)."""
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": res_model,
        "view_mode": view_mode,
        **options,
    }


def wizard_action(name, res_model, context):
    """The action opening the wizard ``res_model`` in a dialog, its fields
    defaulted by ``context`` (``{"default_complaint_id": ...}``)."""
    return window_action(name, res_model, "form", target="new", context=context)
