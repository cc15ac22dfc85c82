"""A file chosen on a form whose save is refused is kept for its editor, so that they do
not have to choose it again.

A browser cannot put a file back in a file box. So when a change form comes back with
problems to fix, each upload on it that was itself fine is written to the default
storage under ``held/<day>/`` and the box says "Kept from your last try: photo.jpg",
carrying a signed token that names the file and the editor. The next save of the form
uses the held file unless the editor chooses another one (or ticks "clear"). A token
works only for the editor it was made for and for HOLD_SECONDS; a forged or stale one is
ignored, as if no file had been chosen. A save that succeeds deletes the files it held;
those of abandoned forms go with their day (``drop_old_days``, run daily by the job
runner).
"""

import logging
import mimetypes
import posixpath
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.html import format_html

logger = logging.getLogger(__name__)

FOLDER = "held"
SALT = "core.held_uploads"
HOLD_SECONDS = 24 * 60 * 60
TOKEN_SUFFIX = "-held"


@dataclass(frozen=True)
class Held:
    token: str
    filename: str


def _day(moment):
    return moment.strftime("%Y-%m-%d")


def hold(upload, editor_pk):
    """Keep ``upload`` for the editor ``editor_pk``; the Held that names it."""
    filename = posixpath.basename(upload.name or "upload")[-100:]
    safe = default_storage.get_valid_name(filename) or "upload"
    folder = f"{FOLDER}/{_day(timezone.now())}/{secrets.token_hex(16)}"
    upload.seek(0)
    name = default_storage.save(f"{folder}/{safe}", upload)
    token = signing.dumps({"editor": editor_pk, "name": name, "filename": filename}, salt=SALT)
    return Held(token, filename)


def _unsigned(token, editor_pk):
    """What ``token`` names, if it is genuine, fresh and the editor's own; else None."""
    try:
        held = signing.loads(token, salt=SALT, max_age=HOLD_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(held, dict) or held.get("editor") != editor_pk:
        return None
    name, filename = held.get("name"), held.get("filename")
    if not isinstance(name, str) or not name.startswith(f"{FOLDER}/"):
        return None
    return name, filename if isinstance(filename, str) else posixpath.basename(name)


def fetch(token, editor_pk):
    """The held file ``token`` names, as an upload, or None."""
    unsigned = _unsigned(token, editor_pk)
    if unsigned is None:
        return None
    name, filename = unsigned
    try:
        with default_storage.open(name) as file:
            content = file.read()
    except OSError:
        return None
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return SimpleUploadedFile(filename, content, content_type)


def release(data, editor_pk):
    """Delete the files held for the tokens in the posted ``data``: the save used them."""
    for key in data:
        if not key.endswith(TOKEN_SUFFIX):
            continue
        unsigned = _unsigned(data.get(key), editor_pk)
        if unsigned is not None:
            try:
                default_storage.delete(unsigned[0])
            except OSError as error:
                logger.warning("A held upload could not be deleted (%s); its day drops it", error)


def drop_old_days(now=None):
    """Delete the held files of days older than HOLD_SECONDS: forms abandoned."""
    now = now or timezone.now()
    kept = {_day(now - timedelta(seconds=seconds)) for seconds in (0, HOLD_SECONDS)}
    try:
        days, _ = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for day in days:
        if day not in kept:
            _delete_tree(f"{FOLDER}/{day}")


def _delete_tree(path):
    folders, files = default_storage.listdir(path)
    for folder in folders:
        _delete_tree(f"{path}/{folder}")
    for file in files:
        default_storage.delete(f"{path}/{file}")
    default_storage.delete(path)


class HeldFileInput(AdminFileWidget):
    """The admin's file box, which also carries a held upload's token and says so."""

    def __init__(self, *, editor_pk, attrs=None):
        self.editor_pk, self.held = editor_pk, None
        super().__init__(attrs)

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload is not None:
            return upload  # a new file, or "clear" ticked
        found = fetch(data.get(name + TOKEN_SUFFIX, ""), self.editor_pk)
        if found is not None:
            self.held = Held(data[name + TOKEN_SUFFIX], found.name)
        return found

    def keep(self, upload):
        """Hold ``upload`` (an accepted file of a refused save), unless already held."""
        if self.held is None or self.held.filename != upload.name:
            self.held = hold(upload, self.editor_pk)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.held is not None:
            context["widget"]["attrs"]["aria-describedby"] = self._held_id(context, name)
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.held is None:
            return html
        held_id = self._held_id({"widget": {"attrs": self.build_attrs(self.attrs, attrs)}}, name)
        return html + format_html(
            '<input type="hidden" name="{}" value="{}"><p class="held-upload" id="{}">Kept '
            "from your last try: <strong>{}</strong>. It is saved with this form unless you "
            "choose another file.</p>",
            name + TOKEN_SUFFIX,
            self.held.token,
            held_id,
            self.held.filename,
        )

    @staticmethod
    def _held_id(context, name):
        return f"{context['widget']['attrs'].get('id') or name}_held"


def holding_widget(formfield, request):
    """``formfield`` with a HeldFileInput, if it takes a file."""
    if isinstance(formfield, forms.FileField):
        formfield.widget = HeldFileInput(editor_pk=request.user.pk, attrs=formfield.widget.attrs)
    return formfield


def keep_accepted_uploads(form):
    """Hold each upload on the bound ``form`` whose field took it without a problem."""
    for name, field in form.fields.items():
        widget = field.widget
        if not isinstance(widget, HeldFileInput) or name in form.errors:
            continue
        upload = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if isinstance(upload, UploadedFile):
            widget.keep(upload)


class HoldsUploadsMixin:
    """For a ModelAdmin: a refused save keeps the files it was given, on the form and in
    its inlines (whose file boxes are made with ``holding_widget``); a saved one lets them
    go."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return holding_widget(super().formfield_for_dbfield(db_field, request, **kwargs), request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST":
            keep_accepted_uploads(context["adminform"].form)
            for inline in context.get("inline_admin_formsets", []):
                for form in inline.formset.forms:
                    keep_accepted_uploads(form)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        release(request.POST, request.user.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        release(request.POST, request.user.pk)
        return super().response_change(request, obj)
