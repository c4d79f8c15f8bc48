"""The yardstick: an analyst's exact DuckDB script of the core payout, as one process.

    python bench/duckdb_payout.py FOLDER PLANS_DIR PERIOD

Reads FOLDER/deals.csv, roster.csv and quotas.csv and the plan files, and writes
FOLDER/duckdb-lines.csv: per rep and quota component, the credited amount (splits
applied, contraction and churn negative) and the pay through the plan's curve
(marginal or retroactive tiers, threshold, cap), rounded half-up to the cent; plus one
modifier line per rep whose plan has one (the band of gross or net revenue retention
of the rep's originated book applied to the sum of the rep's component lines). No
validation, no metric or flat-rate components, no clawbacks, no statements: the floor
that `cadence payout run` is measured against.

Exact: every amount is an integer (cents, shares in 1/10,000, plan numbers scaled by
10,000) and the one division of each line is integer division rounded half-up, so no
figure passes through a float. Bench-only: duckdb is in the `bench` extra.
"""
from __future__ import annotations

import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import duckdb

SCALE = 10_000  # plan numbers (weights, band starts, multipliers, caps, thresholds) as integers


def scaled(value: object) -> int:
    number = Decimal(str(value)) * SCALE
    assert number == number.to_integral_value(), value
    return int(number)


def plan_tables(plans_dir: Path) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(components, bands, modifiers) rows from the TOML plans."""
    components, bands, modifiers = [], [], []
    for path in sorted(plans_dir.glob("*.toml")):
        plan = tomllib.loads(path.read_text(), parse_float=Decimal)
        target_cents = scaled(plan["target_incentive"]) // (SCALE // 100)
        for component in plan["component"]:
            if "metric" in component or "rate" in component:
                continue
            key = component["key"]
            tiers = component.get("tiers", plan.get("tiers", "marginal"))
            credit = component["credit"]
            components.append((plan["key"], key, target_cents, scaled(component["weight"]), tiers,
                               scaled(component.get("threshold", 0)),
                               scaled(component["cap"]) if "cap" in component else None, credit))
            curve = component["curve"]
            for position, (start, multiplier) in enumerate(curve):
                end = curve[position + 1][0] if position + 1 < len(curve) else None
                bands.append((plan["key"], key, scaled(start), None if end is None else scaled(end), scaled(multiplier)))
        for modifier in plan.get("modifier", [])[:1]:
            for position, (start, multiplier) in enumerate(modifier["bands"]):
                end = modifier["bands"][position + 1][0] if position + 1 < len(modifier["bands"]) else None
                modifiers.append((plan["key"], modifier["metric"], modifier.get("window_months", 12), scaled(start),
                                  None if end is None else scaled(end), scaled(multiplier)))
    return components, bands, modifiers


def main() -> None:
    folder, plans_dir, period = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    year, quarter = int(period[:4]), int(period[-1])
    start = f"{year}-{3 * quarter - 2:02d}-01"
    end_month = 3 * quarter
    end = f"{year}-{end_month:02d}-{[31, 30, 30, 31][quarter - 1]}"
    components, bands, modifiers = plan_tables(plans_dir)
    db = duckdb.connect()
    db.execute("CREATE TABLE components (plan TEXT, component TEXT, target_cents BIGINT, weight BIGINT, tiers TEXT, "
               "threshold BIGINT, cap BIGINT, credit TEXT[])")
    db.executemany("INSERT INTO components VALUES (?, ?, ?, ?, ?, ?, ?, ?)", components)
    db.execute("CREATE TABLE bands (plan TEXT, component TEXT, band_start BIGINT, band_end BIGINT, multiplier BIGINT)")
    db.executemany("INSERT INTO bands VALUES (?, ?, ?, ?, ?)", bands)
    db.execute("CREATE TABLE modifiers (plan TEXT, metric TEXT, months INT, band_start BIGINT, band_end BIGINT, "
               "multiplier BIGINT)")
    db.executemany("INSERT INTO modifiers VALUES (?, ?, ?, ?, ?, ?)", modifiers)
    db.execute(f"""
    CREATE TABLE deals AS
      SELECT row_number() OVER () AS row_id, deal_id, account_id, rep_id, type, close_date::DATE AS close_date,
             (split_part(amount, '.', 1)::BIGINT * 100
              + CASE WHEN amount LIKE '%.%' THEN rpad(split_part(amount, '.', 2), 2, '0')::BIGINT ELSE 0 END) AS cents,
             coalesce(split, '') AS split
      FROM read_csv('{folder / "deals.csv"}', all_varchar = true, header = true);
    CREATE TABLE credits AS
      SELECT row_id, account_id, type, close_date, cents, rep_id AS rep, {SCALE}::BIGINT AS share
      FROM deals WHERE split = ''
      UNION ALL
      SELECT row_id, account_id, type, close_date, cents, trim(split_part(part, ':', 1)) AS rep,
             (split_part(trim(split_part(part, ':', 2)), '.', 1)::BIGINT * 100
              + CASE WHEN split_part(part, ':', 2) LIKE '%.%'
                     THEN rpad(split_part(split_part(part, ':', 2), '.', 2), 2, '0')::BIGINT ELSE 0 END) AS share
      FROM (SELECT *, unnest(string_split(split, ';')) AS part FROM deals WHERE split <> '');
    """)
    lines = db.execute(f"""
    WITH roster AS (SELECT rep_id AS rep, plan,
                           CASE WHEN coalesce(target_incentive, '') <> ''
                                THEN split_part(target_incentive, '.', 1)::BIGINT * 100 END AS target_cents
                    FROM read_csv('{folder / "roster.csv"}', all_varchar = true)),
    quotas AS (SELECT rep_id AS rep, component, (split_part(quota, '.', 1)::BIGINT * 100) AS quota_cents
               FROM read_csv('{folder / "quotas.csv"}', all_varchar = true) WHERE period = '{period}'),
    credited AS (
      SELECT r.rep, c.component, c.tiers, coalesce(r.target_cents, c.target_cents) AS target_cents, c.weight, c.threshold, c.cap, q.quota_cents,
             coalesce(sum(CASE WHEN d.type IN ('contraction', 'churn') THEN -1 ELSE 1 END
                          * d.cents::HUGEINT * d.share), 0) AS units
      FROM roster r JOIN components c ON c.plan = r.plan
      JOIN quotas q ON q.rep = r.rep AND q.component = c.component
      LEFT JOIN credits d ON d.rep = r.rep AND list_contains(c.credit, d.type)
                         AND d.close_date BETWEEN DATE '{start}' AND DATE '{end}'
      GROUP BY r.rep, c.component, c.tiers, coalesce(r.target_cents, c.target_cents), c.weight, c.threshold, c.cap,
               q.quota_cents),
    -- attainment = units / (quota_cents x SCALE); a band's part in the same units is band x quota_cents
    paid AS (
      SELECT x.rep, x.component, x.units, x.target_cents, x.weight, x.cap, x.quota_cents, x.tiers, x.threshold,
             CASE WHEN x.units <= 0 OR x.units < x.threshold::HUGEINT * x.quota_cents THEN 0
                  WHEN x.tiers = 'marginal' THEN
                       sum(b.multiplier * greatest(0, least(x.units, coalesce(b.band_end::HUGEINT * x.quota_cents, x.units))
                                                   - b.band_start::HUGEINT * x.quota_cents))
                  ELSE max(x.units * b.multiplier) FILTER (WHERE x.units >= b.band_start::HUGEINT * x.quota_cents)
             END AS numerator  -- pay = target x weight x numerator / (SCALE^3 x quota_cents) cents
      FROM credited x JOIN roster r ON r.rep = x.rep JOIN bands b ON b.plan = r.plan AND b.component = x.component
      GROUP BY x.rep, x.component, x.units, x.target_cents, x.weight, x.cap, x.quota_cents, x.tiers, x.threshold),
    capped AS (
      SELECT rep, component, units,
             least(target_cents::HUGEINT * weight * numerator,
                   coalesce(cap::HUGEINT * target_cents * weight * {SCALE} * quota_cents,
                            target_cents::HUGEINT * weight * numerator)) AS pay_numerator,
             {SCALE}::HUGEINT * {SCALE} * {SCALE} * quota_cents AS pay_denominator
      FROM paid)
    SELECT rep, component, units, (2 * pay_numerator + pay_denominator) // (2 * pay_denominator) AS cents
    FROM capped ORDER BY rep, component
    """).fetchall()
    base = {}
    for rep, _, _, cents in lines:
        base[rep] = base.get(rep, 0) + int(cents)
    db.execute("CREATE TABLE base (rep TEXT, cents BIGINT)")
    db.executemany("INSERT INTO base VALUES (?, ?)", list(base.items()))
    window_start = f"{year - 1}-{end_month:02d}-{[31, 30, 30, 31][quarter - 1]}"
    modifier_lines = db.execute(f"""
    WITH roster AS (SELECT rep_id AS rep, plan FROM read_csv('{folder / "roster.csv"}', all_varchar = true)),
    latest_new AS (
      SELECT account_id, arg_max(row_id, (close_date, row_id)) AS row_id
      FROM deals WHERE type = 'new' AND close_date <= DATE '{end}' GROUP BY account_id),
    book AS (SELECT c.rep, c.account_id, c.share FROM credits c JOIN latest_new l USING (row_id)),
    arr AS (
      SELECT account_id,
             sum(CASE WHEN close_date <= DATE '{window_start}' THEN sign_cents ELSE 0 END) AS arr_start,
             sum(sign_cents) AS arr_end
      FROM (SELECT account_id, close_date,
                   CASE type WHEN 'renewal' THEN 0 WHEN 'contraction' THEN -cents WHEN 'churn' THEN -cents
                        ELSE cents END AS sign_cents
            FROM deals WHERE close_date <= DATE '{end}')
      GROUP BY account_id),
    retention AS (
      SELECT b.rep, sum(b.share::HUGEINT * a.arr_start) AS kept_from,
             sum(b.share::HUGEINT * least(a.arr_start, a.arr_end)) AS gross_kept,
             sum(b.share::HUGEINT * a.arr_end) AS net_kept
      FROM book b JOIN arr a USING (account_id) WHERE a.arr_start > 0 GROUP BY b.rep)
    SELECT r.rep, m.metric,
           CASE WHEN t.kept_from IS NULL THEN {SCALE} ELSE max_by(m.multiplier, m.band_start) FILTER (
             WHERE (CASE m.metric WHEN 'net_revenue_retention' THEN t.net_kept
                                                         ELSE t.gross_kept END) * {SCALE}
                                          >= m.band_start * t.kept_from) END AS multiplier
    FROM roster r JOIN modifiers m ON m.plan = r.plan LEFT JOIN retention t ON t.rep = r.rep
    GROUP BY r.rep, m.metric, t.kept_from ORDER BY r.rep
    """).fetchall()
    with open(folder / "duckdb-lines.csv", "w") as out:
        out.write("rep_id,component,credited_units,amount_cents\n")
        for rep, component, units, cents in lines:
            out.write(f"{rep},{component},{units},{cents}\n")
        for rep, metric, multiplier in modifier_lines:
            if multiplier is None:
                multiplier = SCALE
            numerator = (multiplier - SCALE) * base.get(rep, 0)
            cents = (2 * abs(numerator) + SCALE) // (2 * SCALE) * (1 if numerator >= 0 else -1)
            out.write(f"{rep},modifier:{metric},,{cents}\n")


if __name__ == "__main__":
    main()
