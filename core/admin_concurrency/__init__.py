"""Optimistic concurrency for the editors' admin: a save made on a form that was loaded
before someone else saved the same object is refused, never applied over their change.

The version (versions.py). A change form carries, in a hidden field, the version it was
loaded from: a short digest of each value the form edits (the object's fields, and its
inline rows' row by row), signed, with the time it was read. Only values a form edits
count, so a score recomputed, Markdown rendered again or a count moved by readers
refuses nothing, and no table needs a version column.

The check (mixin.py). A save first locks the object's row and its inline rows (SELECT …
FOR NO KEY UPDATE, which still lets other rows refer to them), so of two concurrent
saves the second waits for the first; then it reads them again and compares them with
the version the form carries. Any difference refuses the save, with a message naming
who changed which fields, from the admin's log and django-simple-history (edits.py).

The refused form (refused_forms.py). Nothing is saved, and the editor's input stays on
the form: a field they had not changed now shows the stored value, a field both changed
keeps theirs with the stored one named under it, and the form carries the current
version, so saving again saves what is on the form.

A list's editable columns (``list_editable``) are checked the same way, and admin
actions lock the rows they act on, so an action and a form's save take turns.

Presence (presence.py, presence_admin.py). A change form also says who else has it open
and since when, from short-lived marks in Redis, and, while it is open, whether someone
has saved since it was loaded: the refusal a save would meet, said before the save.

This is library code, like the rest of ``core``: it knows no app's models, and every
app's admin uses it through ``OptimisticConcurrencyMixin``.
"""

from core.admin_concurrency.mixin import OptimisticConcurrencyMixin
from core.admin_concurrency.versions import VERSION_FIELD

__all__ = ["VERSION_FIELD", "OptimisticConcurrencyMixin"]
