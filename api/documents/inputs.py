"""A story's score inputs as the CSV rows of its export."""

INPUTS_CSV_HEADER = (
    "part",
    "name",
    "value",
    "weight",
    "contribution",
    "met",
    "explanation",
    "grade_reasons",
    "changed_at",
    "band",
    "evidence_stage",
    "what_moved",
)


def _label(band):
    return band["label"] if band else ""


def inputs_rows(inputs):
    """The export as CSV rows, {column: value}: the score, each component, each source and
    its criteria, each cited work with its study labels, what would change the score, then
    the score's history, newest first. A row leaves out the columns
    that do not apply to its part, which the CSV writes empty (README, "Open data")."""
    score = inputs["score"]
    rows = [
        {
            "part": "component",
            "name": component["name"],
            "value": component["value"],
            "weight": component["weight"],
            "contribution": component["contribution"],
            "explanation": component["rationale"],
            "grade_reasons": "; ".join(reason["label"] for reason in component["grade_reasons"]),
        }
        for component in score["components"]
    ]
    rows.append(
        {
            "part": "reality score",
            "name": "Reality score",
            "value": score["reality_score"],
            "weight": 100,
            "band": _label(score["band"]),
        }
    )
    for source in inputs["sources"]:
        band = _label(source["band"])
        rows.append(
            {
                "part": "source",
                "name": source["name"],
                "value": source["trust_score"],
                "explanation": band,
                "band": band,
            }
        )
        rows += [
            {
                "part": "criterion",
                "name": f"{source['name']}: {verdict['name']}",
                "weight": verdict["weight"],
                "contribution": verdict["weight"] if verdict["met"] else 0,
                "met": "yes" if verdict["met"] else "no",
                "explanation": verdict["note"],
            }
            for verdict in source["criteria"]
        ]
    rows += [
        {
            "part": "citation",
            "name": citation["title"],
            "explanation": "; ".join(label["text"] for label in citation["study"]["labels"]),
        }
        for citation in inputs["citations"]
    ]
    rows += [
        {"part": "statement", "name": "What would change our score", "explanation": statement}
        for statement in score["what_would_change_our_score"]
    ]
    rows += [
        {
            "part": "score change",
            "name": "Reality score",
            "value": change["reality_score"],
            "explanation": change["reason"],
            "changed_at": change["changed_at"],
            "band": _label(change["band"]),
            "evidence_stage": change["evidence_stage"]["label"] if change["evidence_stage"] else "",
            "what_moved": "; ".join(change["changes"]),
        }
        for change in score["history"]
    ]
    return rows
