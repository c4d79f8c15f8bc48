"""How plan keys read for people: `gross_revenue_retention` is "Gross revenue retention" and the
component `new_business` is "New business" on statements, summaries and rule sentences. The keys stay
what plan files, `lines.csv` and the payroll export use; these are only the words beside them."""
from __future__ import annotations

METRIC_NAMES = {
    "net_revenue_retention": "Net revenue retention",
    "gross_revenue_retention": "Gross revenue retention",
    "logo_retention": "Logo retention",
}
DRAW_NAMES = {"recovery": "Draw: recovered", "advance": "Draw: advanced"}


def metric_name(metric: str) -> str:
    """A book metric's name; a metric without a name of its own reads as its key in words."""
    return METRIC_NAMES.get(metric, _words(metric))


def component_name(key: str) -> str:
    """A plan component's key as a name: `new_business` → "New business", `expansion-spiff` → "Expansion spiff"."""
    words = _words(key)
    return words[:1].upper() + words[1:] if words else key


def line_name(key: str) -> str:
    """A payout line's component as people read it: a plan key (`new_business` → "New business"),
    `modifier:<metric>` ("Modifier: Gross revenue retention"), `clawback`, `draw:<kind>`, `question:<id>`
    and `adjustment:<quarter>:<line>` ("Adjustment 2026-Q1: New business")."""
    kind, _, rest = key.partition(":")
    if kind == "modifier" and rest:
        return f"Modifier: {metric_name(rest)}"
    if kind == "question" and rest:
        return f"Question #{rest}"
    if kind == "draw" and rest:
        return DRAW_NAMES.get(rest, f"Draw: {_words(rest)}")
    if kind == "adjustment" and rest:
        period, _, line = rest.partition(":")
        return f"Adjustment {period}: {line_name(line)}" if line else f"Adjustment {period}"
    return component_name(key)


def line_label(key: str) -> str:
    """`line_name` with a plan component's own key beside it, for tables finance matches against the plan
    file and the payroll export: "New business (new_business)"; lines that are not plan keys read as words."""
    name = line_name(key)
    plain = key.split(":", 2)[2] if key.startswith("adjustment:") and key.count(":") >= 2 else key
    return f"{name} ({plain})" if ":" not in plain and plain != "clawback" else name


def _words(key: str) -> str:
    return " ".join(key.replace("_", " ").replace("-", " ").split())
