"""Report access: who may see, change, delete and share a report.

The rules every report route applies (addon.py). ``row`` is a stored report (``owner``,
``visibility``, ``editors`` as JSON text).
"""

import json

# A report with no owner (made before owners existed, or imported by the operator
# without one) is the whole site's, as every report used to be. ``user`` is the
# verified caller's account id, None when the token names nobody.


def may_view(row, user):
    """The site's report ``row`` is visible to ``user``."""
    return row["owner"] is None or row["visibility"] == "site" or row["owner"] == user


def may_edit(row, user):
    """``user`` may change the report's content (editors have no effect while private)."""
    if row["owner"] is None or row["owner"] == user:
        return True
    editors = json.loads(row["editors"])
    return row["visibility"] == "site" and (editors == "site" or user in editors)


def may_delete(row, user):
    """Only the owner deletes (as for Jira's filters); anyone, if nobody owns it."""
    return row["owner"] is None or row["owner"] == user


def may_share(row, user):
    """Only the owner changes who sees or edits the report, or gives it away."""
    return row["owner"] is not None and row["owner"] == user


def rights(row, user):
    """What the caller may do with a report, as the wire's can* flags (nothing, for a
    token that names nobody: signed_in refuses its every change)."""
    signed = bool(user)
    return {"canEdit": signed and may_edit(row, user),
            "canDelete": signed and may_delete(row, user),
            "canShare": may_share(row, user)}


def access_problem(row, report, user):
    """Why ``user`` may not save ``report`` over ``row``, or None.

    Access fields left out (None) keep their stored values and count as unchanged.
    """
    if not may_edit(row, user):
        return "You can view this report but not change it."
    current = {"owner": row["owner"], "visibility": row["visibility"],
               "editors": json.loads(row["editors"])}
    changed = any(report[k] is not None and _access_key(report[k]) != _access_key(current[k])
                  for k in current)
    if changed and not may_share(row, user):
        if row["owner"] is None:
            return ("This report has no owner; a Jira administrator can assign one "
                    "from the admin page.")
        return "Only the report's owner can change who sees or edits it."
    return None


def _access_key(value):
    # The editors list in another order names the same people.
    return sorted(value) if isinstance(value, list) else value


def merged_access(row, report):
    """``report`` with the access fields it left out taken from ``row``."""
    stored = {"owner": row["owner"], "visibility": row["visibility"],
              "editors": json.loads(row["editors"])}
    return report | {k: v for k, v in stored.items() if report[k] is None}
