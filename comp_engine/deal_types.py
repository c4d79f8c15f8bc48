"""The five kinds of deal and which way each one moves credit and ARR.

Amounts are written positive for every type; the type says the sign. Contraction and
churn count negative wherever they are credited, and they lower an account's ARR.
Renewals are credited to the reps who renew, but do not change ARR.
"""
from __future__ import annotations

DEAL_TYPES: tuple[str, ...] = ("new", "expansion", "renewal", "contraction", "churn")
NEW, EXPANSION, RENEWAL, CONTRACTION, CHURN = range(len(DEAL_TYPES))
TYPE_CODE: dict[str, int] = {name: code for code, name in enumerate(DEAL_TYPES)}

CREDIT_SIGN: tuple[int, ...] = (1, 1, 1, -1, -1)
"""Sign of a deal's credit, by type code: negative for contraction and churn."""

ARR_SIGN: tuple[int, ...] = (1, 1, 0, -1, -1)
"""How a deal moves its account's ARR, by type code: renewals leave it unchanged."""
