"""How plan keys read for people: `gross_revenue_retention` is "Gross revenue retention" and the
component `new_business` is "New business" on statements, summaries and rule sentences. The keys stay
what plan files, `lines.csv` and the payroll export use; these are only the words beside them."""
from __future__ import annotations

METRIC_NAMES = {
    "net_revenue_retention": "Net revenue retention",
    "gross_revenue_retention": "Gross revenue retention",
    "logo_retention": "Logo retention",
}


def metric_name(metric: str) -> str:
    """A book metric's name; a metric without a name of its own reads as its key in words."""
    return METRIC_NAMES.get(metric, _words(metric))


def component_name(key: str) -> str:
    """A plan component's key as a name: `new_business` → "New business", `expansion-spiff` → "Expansion spiff"."""
    words = _words(key)
    return words[:1].upper() + words[1:] if words else key


def _words(key: str) -> str:
    return " ".join(key.replace("_", " ").replace("-", " ").split())
