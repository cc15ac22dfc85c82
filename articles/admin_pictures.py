"""The picture library in the admin, and the pictures inline of the story form.

The library (``PictureAdmin``) lists every picture with the stories it is on, and its
change page sets the focal point: two numbers that work without JavaScript, and with it
a click on the preview (static/js/admin_focal_point.js). The crops cut around it are
shown beside. A picture on a story cannot be deleted: the admin's own "cannot delete"
page names the stories (ArticleImage.picture is PROTECT).

On the story form, each row of the pictures inline either chooses a picture from the
library or uploads a new one into it, with its alt text, credit and licence.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import images
from articles.models import ArticleImage, Picture
from core.admin_concurrency import OptimisticConcurrencyMixin
from core.admin_desk import CappedRowsMixin
from core.held_uploads import HoldsUploadsMixin, holding_widget

NEW_PICTURE_FIELDS = ("alt", "credit", "licence")


def _stories_links(picture):
    placements = {placement.article for placement in picture.placements.all()}
    stories = sorted(placements, key=lambda story: story.headline)
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
            for story in stories
        ),
    )


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = [
            "original",
            "title",
            "description",
            "alt",
            "credit",
            "licence",
            "focal_x",
            "focal_y",
        ]
        field_classes = {"original": images.ImageUploadField}
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


@admin.register(Picture)
class PictureAdmin(OptimisticConcurrencyMixin, HoldsUploadsMixin, admin.ModelAdmin):
    form = PictureForm
    list_display = ["thumbnail", "name", "credit", "licence", "used_on", "uploaded_at"]
    list_display_links = ["name"]
    search_fields = ["title", "alt", "credit", "description"]
    readonly_fields = [
        "focal_point_preview",
        "crops_preview",
        "used_on",
        "uploaded_by",
        "uploaded_at",
    ]
    fieldsets = [
        ("Picture", {"fields": ["original", "title", "description"]}),
        ("Wherever it is used", {"fields": ["alt", "credit", "licence"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point_preview", ("focal_x", "focal_y"), "crops_preview"],
                "description": "What must stay in the picture when cards (3:2) and link "
                "previews (1200 × 630) crop it. Type the two numbers, or click the picture "
                "where it matters most; save to cut the crops again.",
            },
        ),
        ("Record", {"fields": ["used_on", "uploaded_by", "uploaded_at"]}),
    ]

    class Media:
        js = ["js/admin_focal_point.js"]
        css = {"all": ["css/admin.css", "css/admin_pictures.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).for_library().select_related("uploaded_by")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # A new picture has nothing to preview, crop or link to until it is stored.
            return [
                ("Picture", {"fields": ["original", "title", "description"]}),
                ("Wherever it is used", {"fields": ["alt", "credit", "licence"]}),
                ("Focal point", {"fields": [("focal_x", "focal_y")]}),
            ]
        return self.fieldsets

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="picture")
    def thumbnail(self, picture):
        card = picture.card
        return format_html(
            '<img class="library-thumb" src="{}" width="{}" height="{}" alt="">',
            card.smallest,
            120,
            80,
        )

    @admin.display(description="title, or else alt text", ordering="title")
    def name(self, picture):
        return str(picture)

    @admin.display(description="used on", ordering="story_count")
    def used_on(self, picture):
        count = getattr(picture, "story_count", None)
        if count is None:
            count = len({placement.article_id for placement in picture.placements.all()})
        label = "1 story" if count == 1 else f"{count} stories"
        if not count:
            return label
        return format_html("{}: {}", label, _stories_links(picture))

    @admin.display(description="preview")
    def focal_point_preview(self, picture):
        full = picture.full
        x, y = picture.focal_x * 100, picture.focal_y * 100
        return format_html(
            '<div class="focal-point" data-focal-point>'
            '<img class="focal-point__image" src="{}" width="{}" height="{}" alt="{}">'
            '<svg class="focal-point__marker" viewBox="0 0 100 100" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">'
            '<line class="focal-point__line" x1="{}" x2="{}" y1="0" y2="100"/>'
            '<line class="focal-point__line" x1="0" x2="100" y1="{}" y2="{}"/>'
            "</svg></div>"
            '<p class="focal-point__hint" data-focal-point-hint hidden>Click the picture to move '
            "the focal point there; the numbers below follow.</p>",
            full.smallest,
            full.width,
            full.height,
            picture.alt,
            x,
            x,
            y,
            y,
        )

    @admin.display(description="crops")
    def crops_preview(self, picture):
        shown = [("Card (3:2)", picture.card), ("Link preview (1200 × 630)", picture.share)]
        return format_html(
            '<div class="picture-crops">{}</div>',
            format_html_join(
                "",
                '<figure class="picture-crops__crop"><img src="{}" width="{}" height="{}" '
                'alt="The {} crop"><figcaption>{}</figcaption></figure>',
                (
                    (crop.smallest, crop.width, crop.height, label.lower(), label)
                    for label, crop in shown
                ),
            ),
        )


class PlacementForm(forms.ModelForm):
    """A picture on the story: one from the library, or a new upload into it."""

    original = images.ImageUploadField(
        label="or upload a new picture",
        required=False,
        help_text="It joins the library with the alt text, credit and licence below. "
        f"JPEG, PNG, WebP or AVIF, at least {images.MIN_WIDTH} pixels wide.",
    )
    alt = forms.CharField(
        label="alt text (new picture)",
        required=False,
        max_length=Picture._meta.get_field("alt").max_length,
        help_text=Picture._meta.get_field("alt").help_text,
    )
    credit = forms.CharField(
        label="credit (new picture)",
        required=False,
        max_length=Picture._meta.get_field("credit").max_length,
        help_text=Picture._meta.get_field("credit").help_text,
    )
    licence = forms.CharField(
        label="licence (new picture)",
        required=False,
        max_length=Picture._meta.get_field("licence").max_length,
        help_text=Picture._meta.get_field("licence").help_text,
    )
    request = None

    class Meta:
        model = ArticleImage
        fields = ["picture", "role", "position", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picture"].required = False
        self.fields["picture"].label = "picture from the library"
        if self.request is not None:
            holding_widget(self.fields["original"], self.request)

    def clean(self):
        cleaned = super().clean()
        chosen, upload = cleaned.get("picture"), cleaned.get("original")
        if chosen and upload:
            raise forms.ValidationError(
                "Choose a picture from the library or upload a new one, not both.",
                code="picture_and_upload",
            )
        if not chosen and not upload and "original" not in self.errors:
            raise forms.ValidationError(
                "Choose a picture from the library, or upload a new one with its alt text, "
                "credit and licence.",
                code="no_picture",
            )
        if upload:
            for name in NEW_PICTURE_FIELDS:
                if not cleaned.get(name, "").strip():
                    self.add_error(name, "A new picture needs this too.")
        return cleaned

    def save(self, commit=True):
        upload = self.cleaned_data.get("original")
        if upload:
            picture = Picture(
                original=upload,
                uploaded_by=self.request.user if self.request else None,
                **{name: self.cleaned_data[name].strip() for name in NEW_PICTURE_FIELDS},
            )
            picture.save()
            self.instance.picture = picture
        return super().save(commit)


class ArticleImageInline(CappedRowsMixin, admin.StackedInline):
    model = ArticleImage
    form = PlacementForm
    extra = 0
    autocomplete_fields = ["picture"]
    fieldsets = [
        (None, {"fields": ["picture"]}),
        (None, {"fields": ["original", "alt", "credit", "licence"]}),
        (None, {"fields": ["role", "position", "caption"]}),
    ]
    verbose_name = "picture"
    verbose_name_plural = "Pictures (a lead image; figures shown after a section)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("picture")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type(self.form.__name__, (self.form,), {"request": request})
        return super().get_formset(request, obj, **kwargs)
