"""What a reader reads of a notification, the same in the inbox, the feed and the email:
a title, a sentence or two and the page it is about. No database: everything comes from
the notification with its event, story and question (NotificationQuerySet.for_listing).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator

from notices.models import Event

NOTE_WORDS = 60
RESOLUTION_WORDS = {"yes": "Yes", "no": "No"}
NOTICE_TITLES = {
    "retracted": "Retraction of a work cited in",
    "concern": "Expression of concern on a work cited in",
    "corrected": "Correction to a work cited in",
}


@dataclass(frozen=True)
class Told:
    title: str
    text: str
    path: str


def _note(text):
    return Truncator(text or "").words(NOTE_WORDS)


def _resolved(event, detail):
    resolution = event.payload.get("resolution")
    if resolution not in RESOLUTION_WORDS:
        return "It was annulled: nobody is scored on it."
    said = f"It resolved “{RESOLUTION_WORDS[resolution]}”."
    if "brier" in detail:
        said += (
            f" Your Brier score: {detail['brier']:.3f} (0 is perfect, lower is better), for a "
            f"forecast of {detail['final_probability']}% at the close."
        )
    else:
        said += " You had no forecast on it."
    return said


def _crowd(event, detail):
    return (
        f"The community forecast is now {detail.get('to', event.payload.get('median'))}%, "
        f"from {detail.get('from')}% when you last heard of it."
    )


def _closing(event, detail):
    closes = datetime.fromisoformat(event.payload["closes_at"])
    when = format_date(timezone.localtime(closes), "j F Y, H:i T")
    return f"Forecasts close on {when}. Update yours while you can."


def _score(event, detail):
    old, new, reason = (event.payload.get(name) for name in ("from", "to", "reason"))
    if new is None:
        moved = f"The story no longer has a reality score (it was {old})."
    elif old is None:
        moved = f"The story now has a reality score of {new}."
    else:
        moved = f"Its reality score went from {old} to {new}."
    return f"{moved} {_note(reason)}".strip()


def _correction(event, detail):
    return _note(event.payload.get("note"))


def _citation(event, detail):
    title, note = event.payload.get("title", ""), event.payload.get("note", "")
    return f"“{title}”. {_note(note)}".strip()


TEXTS = {
    Event.Kind.RESOLVED: _resolved,
    Event.Kind.CROWD_MOVED: _crowd,
    Event.Kind.CLOSING_SOON: _closing,
    Event.Kind.SCORE_CHANGED: _score,
    Event.Kind.CORRECTION: _correction,
    Event.Kind.CITATION_NOTICE: _citation,
}


def _correction_title(event):
    label = "Update" if event.payload.get("kind") == "update" else "Correction"
    return f"{label}: {event.article.headline}"


def _citation_title(event):
    what = NOTICE_TITLES.get(event.payload.get("status"), "A notice on a work cited in")
    return f"{what} “{event.article.headline}”"


TITLES = {
    Event.Kind.RESOLVED: lambda event: f"Resolved: {event.question.text}",
    Event.Kind.CROWD_MOVED: lambda event: f"The crowd moved: {event.question.text}",
    Event.Kind.CLOSING_SOON: lambda event: f"Closing soon: {event.question.text}",
    Event.Kind.SCORE_CHANGED: lambda event: f"Reality score changed: {event.article.headline}",
    Event.Kind.CORRECTION: _correction_title,
    Event.Kind.CITATION_NOTICE: _citation_title,
}


def _path(event):
    if event.question_id is not None:
        return event.question.get_absolute_url()
    anchor = {Event.Kind.CORRECTION: "#corrections-heading", Event.Kind.CITATION_NOTICE: "#sources"}
    return event.article.get_absolute_url() + anchor.get(event.kind, "")


def told(notification):
    """The notification as the reader reads it."""
    event = notification.event
    return Told(
        title=TITLES[event.kind](event),
        text=TEXTS[event.kind](event, notification.detail or {}),
        path=_path(event),
    )
