"""Money as the publisher meant it: which figure is the budget, and what it is in US dollars.

The budget is the sum over periods of the revised budget where one is given, else the original
(IATI BudgetType 2 over 1). When there is no budget, or it adds up to zero, the commitments
(TransactionType 2) stand in. When the publisher gives neither, the budget is *unknown* (None),
never 0. Every amount is converted at the rate of its own ``value-date`` with the European
Central Bank's reference rates that the ``currencyconverter`` package ships (offline, daily
since 1999); a ``--rates`` table overrides them with one fixed rate per currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from tacmap.graph.ingest.iati.activity import Activity, Budget, Money

COMMITMENT = "2"
ORIGINAL, REVISED = "1", "2"


@cache
def _ecb() -> Any:
    from currency_converter import CurrencyConverter  # 0.4 s to load: only when a non-USD amount exists

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@dataclass(frozen=True)
class Converted:
    usd: float | None  # None: no rate for this currency
    rate: float | None
    how: str  # "USD", "fixed rate from --rates", "ECB rate of 2013-03-21", ...


def to_usd(value: Money, rates: Mapping[str, float] | None = None) -> Converted:
    """One amount in US dollars at the rate of its value date (or the ``--rates`` table's)."""
    if value.currency == "USD":
        return Converted(value.amount, 1.0, "USD")
    if rates and value.currency in rates:
        rate = rates[value.currency]
        return Converted(value.amount * rate, rate, "rate from the --rates table")
    ecb = _ecb()
    if value.currency not in ecb.currencies:
        return Converted(None, None, f"no ECB rate for {value.currency}")
    first, last = ecb.bounds[value.currency]
    when = min(max(value.value_date, first), last)
    rate = float(ecb.convert(1.0, value.currency, "USD", date=when))
    note = f"ECB rate of {when.isoformat()}" + (
        f" (nearest to the value date {value.value_date.isoformat()})" if when != value.value_date else ""
    )
    return Converted(value.amount * rate, rate, note)


def budget_amounts(act: Activity) -> tuple[list[Money], str]:
    """The amounts that make up an activity's budget, and which figure they are."""
    by_period: dict[tuple[date, date], list[Budget]] = defaultdict(list)
    for b in act.budgets:
        by_period[(b.start, b.end)].append(b)
    chosen: list[Money] = []
    revised_used = False
    for items in by_period.values():
        revised = [b for b in items if b.type == REVISED]
        revised_used |= bool(revised)
        chosen.extend(b.value for b in (revised or items))
    if chosen and sum(m.amount for m in chosen) > 0:
        periods = len(by_period)
        return chosen, f"IATI budget, {periods} period(s)" + (
            " (revised where given)" if revised_used else ""
        )
    commitments = [t.value for t in act.transactions if t.type == COMMITMENT and t.value is not None]
    if commitments and sum(m.amount for m in commitments) > 0:
        zero = " (the budget is 0)" if chosen else " (no budget given)"
        return commitments, f"IATI commitments, {len(commitments)} transaction(s){zero}"
    return (
        [],
        "unknown: the activity gives no budget and no commitment"
        if not chosen
        else "unknown: the budget is 0 and there is no commitment",
    )


@dataclass(frozen=True)
class Budgeted:
    usd: float | None
    source: str
    original: list[dict[str, Any]]
    notes: list[str]


def activity_budget(act: Activity, rates: Mapping[str, float] | None = None) -> Budgeted:
    """The activity's budget in USD (None when unknown or not convertible), with its source."""
    amounts, figure = budget_amounts(act)
    original = [
        {"amount": m.amount, "currency": m.currency, "value_date": m.value_date.isoformat()} for m in amounts
    ]
    if not amounts:
        return Budgeted(None, figure, original, [])
    total, hows, notes = 0.0, set(), []
    by_currency: dict[str, list[Money]] = defaultdict(list)
    for m in amounts:
        by_currency[m.currency].append(m)
    for currency, values in by_currency.items():
        if any(m.amount < 0 for m in values):
            # a correction (a negative period) is netted in its own currency first: converted value by
            # value at different rates, a net of GBP 5,789 could come out as minus a million dollars
            last = max(m.value_date for m in values)
            values = [Money(sum(m.amount for m in values), currency, last)]
            notes.append(
                f"negative {currency} amounts netted first, converted at the rate of {last.isoformat()}"
            )
        for m in values:
            converted = to_usd(m, rates)
            if converted.usd is None:
                notes.append(
                    f"{m.amount:,.2f} {m.currency} cannot be converted ({converted.how}): budget unknown"
                )
                return Budgeted(None, f"{figure}; not converted: {converted.how}", original, notes)
            total += converted.usd
            if m.currency != "USD":
                hows.add(
                    "--rates table"
                    if converted.how.startswith("rate from")
                    else "ECB rates of the value dates"
                )
    amounts_text = ", ".join(f"{c} {sum(m.amount for m in v):,.2f}" for c, v in sorted(by_currency.items()))
    if total <= 0:
        return Budgeted(None, f"unknown: the amounts add up to {amounts_text}", original, notes)
    source = f"{figure}: {amounts_text}" + (f", converted at {' and '.join(sorted(hows))}" if hows else "")
    return Budgeted(round(total, 2), source, original, notes)
