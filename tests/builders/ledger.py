"""A small ledger of deals, worked out by hand in the tests that use it.

  A1: D1 new 1,000 (r1, 2025-01-10, marketing), D4 expansion 200 (2025-06-01), D8 renewal 1,200 (r1, 2026-01-10)
  A2: D2 new 2,000 split r1 50 / r2 50 (2025-02-10, sales), D5 contraction 400 (2025-07-01)
  A3: D3 new 500 (r3, 2025-03-01, marketing), D6 churn 500 (2025-08-01)
  A4: D7 new 3,000 (r1, 2026-01-15, marketing)
  A5: D9 new 800 (r5, a new hire, 2026-02-02, sales)
"""
from __future__ import annotations

HEADER = "deal_id,account_id,rep_id,type,amount,close_date,split,source\n"
DEALS = [
    "D1,A1,r1,new,1000,2025-01-10,,marketing",
    "D2,A2,r2,new,2000,2025-02-10,r1:50;r2:50,sales",
    "D3,A3,r3,new,500,2025-03-01,,marketing",
    "D4,A1,r1,expansion,200,2025-06-01,,",
    "D5,A2,r2,contraction,400,2025-07-01,,",
    "D6,A3,r3,churn,500,2025-08-01,,",
    "D7,A4,r1,new,3000,2026-01-15,,marketing",
    "D8,A1,r1,renewal,1200,2026-01-10,,",
    "D9,A5,r5,new,800,2026-02-02,,sales",
]


def deals_file(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()
