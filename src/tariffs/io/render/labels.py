"""The words of a bill in each language: line labels, column headers, units, the title.

English is what the engine writes on each line (`Line.label`) and stays byte for byte as
it was. The other languages are built here from the same facts, not translated from the
English text: a line's ``kind``, its ``code`` (``energy.peak.tier2``, ``basic.demand``,
``fund.renewable``, ...), its unit and the ``terms`` the engine gives it (the basic-charge
method, the power factor and its standard). The Chinese terms are those of
docs/glossary.md, which stays the one source of them.

Every table of the module is keyed by code or kind, so that a new line kind or code is one
entry here. A line this module cannot name in a language keeps its English label (the
fallback never fails a bill), and a label a tariff table wrote in Chinese itself is kept
as written.
"""

from __future__ import annotations

import re
from typing import Final

from tariffs.model.bill import BillWarning, Line

__all__ = [
    "LANGUAGES",
    "chinese_label",
    "has_latin",
    "header",
    "line_label",
    "unit_label",
    "warning_text",
]

#: The languages a bill can be rendered in.
LANGUAGES: Final = ("en", "zh")

#: Time-of-use periods (glossary "Calendar and time of use").
_PERIODS: Final = {
    "critical_peak": "尖峰",
    "peak": "峰",
    "flat": "平",
    "valley": "谷",
    "deep_valley": "深谷",
}

#: Seasons as the bundled tables name them (hydro seasons: 丰水期, 枯水期, 平水期).
_SEASONS: Final = {
    "summer": "夏季",
    "winter": "冬季",
    "non_summer": "非夏季",
    "wet": "丰水期",
    "dry": "枯水期",
    "normal": "平水期",
}

_ORDINALS: Final = "一二三四五六七八九"

#: Lines named by their whole code (a code a table gives its own charge falls back on kind).
_CODES: Final = {
    "basic.capacity": "基本电费（按容量）",
    "basic.demand": "基本电费（按需量）",
    "basic.suspended": "基本电费（暂停容量）",
    "basic.reduced": "基本电费（减容容量）",
    "basic.overrun": "基本电费（超合同最大需量部分）",
    "basic.load_factor_discount": "基本电费负荷率优惠",
    "fund.renewable": "可再生能源电价附加",
    "fund.other": "其他政府性基金及附加",
    "fund": "政府性基金及附加",
    "power_factor": "力调电费（功率因数调整电费）",
    "rounding": "尾差调整",
    "vat": "增值税",
    "net_billing.credit_in": "上期结转抵扣",
    "net_billing.credit_out": "结转下期抵扣",
    "net_billing.true_up": "抵扣结算",
}

#: Components of the agency purchase price (电网代理购电) of a ``price_file`` charge, by the
#: component names of the file (``energy.<component>[.<period>]``).
_COMPONENTS: Final = {
    "purchase": "代理购电电费",
    "line_loss": "上网环节线损费用",
    "transmission": "输配电费",
    "system_operation": "系统运行费用",
    "funds": "政府性基金及附加",
}

#: The basic charge by demand, by the method the engine gives as a term.
_DEMAND_METHODS: Final = {
    "contract_demand": "基本电费（按合同最大需量）",
    "actual_demand": "基本电费（按实际最大需量）",
}

#: Lines of net metering, net billing and buy-all-sell-all, by the code before the period.
_EXPORT_CODES: Final = {
    "net_metering.exported": "上网电量抵扣",
    "net_metering.credit_in": "上期结转电量抵扣",
    "net_metering.credit_out": "结转下期电量",
    "net_metering.true_up": "结转电量结算",
    "net_billing.export": "上网电费",
    "buy_all_sell_all.sold": "全额上网电费",
}

#: A line whose code this module does not know, by its kind.
_KINDS: Final = {
    "fixed": "固定费用",
    "surcharge": "附加费",
    "tax": "税费",
    "discount": "优惠",
    "minimum": "最低电费补足",
    "export_credit": "上网电费",
    "capacity": "基本电费（按容量）",
    "adjustment": "调整",
}

#: Units of quantities (kWh as 千瓦时, the unit of the price notices; 度 is the everyday word).
_UNITS: Final = {
    "kWh": "千瓦时",
    "kW": "千瓦",
    "kVA": "千伏安",
    "kvarh": "千乏时",
    "kvar": "千乏",
    "day": "天",
    "month": "月",
    "bill": "张",
    "CNY": "元",
}

#: The words of the text table, the CSV rows and the title, by language.
_HEADERS: Final = {
    "en": {
        "code": "code",
        "label": "label",
        "quantity": "quantity",
        "unit": "unit",
        "rate": "rate",
        "amount": "amount {currency}",
        "total": "Bill total",
        "title": "{tariff}  {start} to {end} (end exclusive)",
        "account": "  account {account}",
        "warning": "warning: {warning}",
        "grand_total": "Total of {count} bills: {total} {currency}",
        "invoice.net": "Amount excluding VAT (金额)",
        "invoice.tax": "VAT {percent} % (税额)",
        "invoice.gross": "Total including VAT (价税合计)",
    },
    "zh": {
        "code": "代码",
        "label": "项目",
        "quantity": "数量",
        "unit": "单位",
        "rate": "单价",
        "amount": "金额（{currency}）",
        "total": "合计",
        "title": "{tariff}  {start} 至 {end}（不含 {end}）",
        "account": "  户号 {account}",
        "warning": "提示：{warning}",
        "grand_total": "{count} 张账单合计：{total} {currency}",
        "invoice.net": "金额（不含税）",
        "invoice.tax": "税额（增值税 {percent} %）",
        "invoice.gross": "价税合计",
    },
}

_LATIN = re.compile("[A-Za-z]")
_TIER = re.compile(r"tier([1-9])")
#: The numbered periods of a table imported from URDB (energy ``p0``, demand ``d0``).
_NUMBERED = re.compile(r"[pd]([0-9]+)")


def _period(part: str) -> str | None:
    """A period of a code in Chinese: 峰, 谷, ..., or 时段0 for URDB's ``p0`` and ``d0``."""
    if part in _PERIODS:
        return _PERIODS[part]
    found = _NUMBERED.fullmatch(part)
    return None if found is None else f"时段{found.group(1)}"


def has_latin(text: str) -> bool:
    """Whether a text has a Latin letter (an English word, or a unit such as kWh).

    >>> has_latin("峰电量电费"), has_latin("Peak energy")
    (False, True)
    """
    return _LATIN.search(text) is not None


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")


def header(name: str, lang: str = "en", **values: object) -> str:
    """A word of the table or CSV in a language, with its values filled in.

    >>> header("amount", "zh", currency="元")
    '金额（元）'
    """
    _check(lang)
    return _HEADERS[lang][name].format(**values)


def unit_label(unit: str | None, lang: str = "en") -> str | None:
    """A unit in a language (kWh → 千瓦时); a unit without a word here stays as it is.

    >>> unit_label("kWh", "zh"), unit_label("USD", "zh"), unit_label("kWh")
    ('千瓦时', 'USD', 'kWh')
    """
    _check(lang)
    if unit is None or lang == "en":
        return unit
    return _UNITS.get(unit, unit)


def _energy(parts: list[str], terms: dict[str, str]) -> str | None:
    """``<season>.<period>.tier<n>`` after the charge's code, as 丰水期第二档峰电量电费."""
    season = period = tier = ""
    for part in parts:
        found = _TIER.fullmatch(part)
        if found is not None:
            tier = f"第{_ORDINALS[int(found.group(1)) - 1]}档"
        elif _period(part) is not None:
            period = _period(part) or ""
        elif part in _SEASONS:
            season = _SEASONS[part]
        elif part != "dynamic":
            return None
    if "increment" in terms:
        return f"{tier}递增电价电费"
    if terms.get("prices") == "hourly":
        return "电量电费（实时电价）"
    return f"{season}{tier}{period}电量电费"


def _demand(parts: list[str]) -> str | None:
    """A demand charge, by period and tier: 峰需量电费, 需量电费（第二档）."""
    period = tier = ""
    for part in parts:
        found = _TIER.fullmatch(part)
        if found is not None:
            tier = f"（第{_ORDINALS[int(found.group(1)) - 1]}档）"
        elif _period(part) is not None:
            period = _period(part) or ""
        else:
            return None
    return f"{period}需量电费{tier}"


def _month(month: str | None) -> str:
    """A month ``YYYY-MM`` of a bill across months as 2025年7月, else nothing.

    >>> _month("2025-07"), _month(None)
    ('2025年7月', '')
    """
    if month is None:
        return ""
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def chinese_label(line: Line) -> str | None:
    """The Chinese label of a line from its kind, code, unit and terms; None if unknown.

    >>> from decimal import Decimal
    >>> chinese_label(Line("energy", "energy.valley.tier2", "Valley energy, tier 2",
    ...     Decimal(10), "kWh", Decimal("0.3"), Decimal(3)))
    '第二档谷电量电费'
    """
    terms = dict(line.terms)
    code = line.code
    if line.kind == "demand" and "method" in terms:
        return _DEMAND_METHODS.get(terms["method"])
    if line.kind == "power_factor":
        if line.unit == "kvar":
            return "无功需量电费"
        if line.unit == "kvarh":
            return "无功电量电费"
        if "power_factor" in terms:
            return (
                f"力调电费（功率因数 {terms['power_factor']}，考核标准 {terms['standard']}："
                f"{terms['percent']} %）"
            )
    if code in _CODES:
        return _CODES[code]
    head, _, name = code.rpartition(".")
    if head in _EXPORT_CODES:
        period = _PERIODS.get(name)
        return _EXPORT_CODES[head] + (f"（{period}）" if period else "")
    if code in _EXPORT_CODES:
        return _EXPORT_CODES[code]
    parts = code.split(".")
    if line.kind == "energy" and len(parts) in (2, 3) and parts[1] in _COMPONENTS:
        period = _period(parts[2]) if len(parts) == 3 else ""
        if period is not None:
            label = _COMPONENTS[parts[1]] + (f"（{period}）" if period else "")
            return _month(terms.get("month")) + label
    if line.kind == "energy":
        return _energy(parts[1:], terms)
    if line.kind == "demand":
        return _demand(parts[1:])
    if line.kind == "surcharge" and parts[0] == "fund":
        return "政府性基金及附加"
    return _KINDS.get(line.kind)


def line_label(line: Line, lang: str = "en") -> str:
    """A line's label in a language.

    English is the line's own label. In Chinese, a label the tariff table wrote without
    a Latin letter (a Chinese label) is kept as written; otherwise the label is built by
    `chinese_label`, and a line it cannot name keeps its English label.
    """
    _check(lang)
    if lang == "en" or not has_latin(line.label):
        return line.label
    return chinese_label(line) or line.label


def _chinese_warning(warning: BillWarning) -> str | None:
    """The Chinese of the warnings the engine writes from facts; None for the others."""
    facts = dict(warning.params)
    if warning.key == "partial_period":
        return (
            f"不足整月：{facts['start']} 至 {facts['end']}"
            f"（本期 {facts['period_days']} 天，计费 {facts['days']} 天）"
        )
    if warning.key == "uncovered":
        spans = "、".join(
            " 至 ".join(span.split("/")) for span in facts["spans"].split(";")
        )
        return f"计量数据未覆盖整个周期：{spans} 无数据（{facts['missing']} 个间隔未计费）"
    if warning.key == "gaps":
        more = f"，另有 {facts['more']} 处缺数" if facts["more"] != "0" else ""
        return (
            f"计量数据不完整：本期缺 {facts['missing']} 个间隔，未计费"
            f"（允许缺数；{facts['start']} 至 {facts['end']}{more}）"
        )
    return None


def warning_text(warning: str, lang: str = "en") -> str:
    """A bill's warning in a language.

    The warnings written from facts (`BillWarning`: a partial period, readings that do
    not cover the period, gaps allowed) are written in Chinese from those facts; every
    other warning stays in English, as the engine wrote it.

    >>> warning_text(BillWarning("partial period: ...", "partial_period", (("start",
    ...     "2025-07-10"), ("end", "2025-08-01"), ("days", "22"), ("period_days", "31"))), "zh")
    '不足整月：2025-07-10 至 2025-08-01（本期 31 天，计费 22 天）'
    """
    _check(lang)
    if lang == "en" or not isinstance(warning, BillWarning):
        return warning
    return _chinese_warning(warning) or warning
