"""The arithmetic of a story's score history: what moved between two states of its
meter, and where the history chart puts each point. No database here.

A state is the meter as plain JSON (trust.services.meter_state builds it): the score,
the evidence stage, each component's value, each cited source's trust and each
citation's publication status, every value with the label readers see.
"""

from trust import rubric


def _band_label(score):
    return "not scored" if score is None else rubric.band_for(score, rubric.REALITY_BANDS).label


def _stage_label(stage):
    return "no stage" if stage is None else stage[1]


def _moves(old, new, label):
    """'label: a → b' for each key of two {key: [name, value]} maps whose value changed."""
    return [
        f"{label(name)}: {old[key][1]} → {value}"
        for key, (name, value) in new.items()
        if key in old and old[key][1] != value
    ]


def changes(old, new):
    """What moved from state ``old`` to state ``new``, one plain sentence an item."""
    if old is None:
        return []
    found = []
    if old.get("score") != new["score"]:
        score = "not scored" if new["score"] is None else f"{new['score']}/100"
        found.append(f"Reality score: {old.get('score', '?')} → {score}")
        if _band_label(old.get("score")) != _band_label(new["score"]):
            found.append(f"Band: {_band_label(old.get('score'))} → {_band_label(new['score'])}")
    if "stage" in old and old["stage"] != new["stage"]:
        found.append(
            f"Evidence ladder: {_stage_label(old['stage'])} → {_stage_label(new['stage'])}"
        )
    found += _moves(old.get("components", {}), new["components"], lambda name: name)
    found += _moves(old.get("sources", {}), new["sources"], lambda name: f"Trust of {name}")
    if "citations" in old:
        before, after = old["citations"], new["citations"]
        found += [f"Citation added: {after[key][0]}" for key in after if key not in before]
        found += [f"Citation removed: {before[key][0]}" for key in before if key not in after]
        found += [
            f"Citation now {STATUS_WORDS[status]}: {title}"
            for key, (title, status) in after.items()
            if key in before and before[key][1] != status
        ]
    return found


STATUS_WORDS = {
    rubric.STANDING: "without a notice",
    rubric.CORRECTED: "corrected",
    rubric.CONCERN: "under an expression of concern",
    rubric.RETRACTED: "retracted",
}
