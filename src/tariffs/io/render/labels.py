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
from collections.abc import Callable
from typing import Any, Final

from tariffs.model.bill import BillWarning, Line

__all__ = [
    "ADVICE_KEYS",
    "LANGUAGES",
    "REASON_KEYS",
    "WARNING_KEYS",
    "advice_text",
    "chinese_label",
    "has_latin",
    "eligibility_text",
    "header",
    "kind_label",
    "line_label",
    "point_label",
    "reason_text",
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
        "rank": "rank",
        "tariff": "tariff",
        "cost_total": "total {currency}",
        "kwh": "kWh",
        "per_kwh": "{currency}/kWh",
        "savings": "savings {currency}",
        "savings_percent": "savings %",
        "vs_base": "vs base {currency}",
        "by_kind": "Cost by line kind ({currency})",
        "by_period": "Cost per billing period, by first day ({currency})",
        "recommendation": "Recommendation: {text}",
        "not_applicable": "not applicable: {tariff}: {reason}",
        "current_failed": "failed: the current tariff {tariff}: {reason}",
        "not_ranked": "not ranked: {tariff}: {reason}",
        "not_eligible": "not eligible: {tariff}: {reason}",
        "current_ineligible": "the current tariff {tariff} is not one this account may take: "
        "{reason}",
        "mandatory": "mandatory: this account must take {tariff} by its eligibility",
        "scenario": "Scenario {scenario} ({text})",
        "scenario_failed": "  failed: {error}",
        "break_even": "Break-even",
        "pf.title": "Portfolio: {priced} account(s) priced, {failed} failed; "
        "{current} -> {proposed} ({currency})",
        "pf.revenue": "Revenue: current {current}, proposed {proposed}, change {change} "
        "({percent} %)",
        "pf.energy": "Energy: {kwh} kWh; average price {now} -> {new} {currency}/kWh",
        "pf.not_migrated_count": "Not migrated: {count} account(s)",
        "pf.changes": "Bill changes: {more} pay more, {less} pay less, {same} unchanged",
        "pf.percentile": "percentile",
        "pf.change_money": "change {currency}",
        "pf.change_percent": "change %",
        "pf.change": "change",
        "pf.account": "account",
        "pf.current_money": "current {currency}",
        "pf.proposed_money": "proposed {currency}",
        "pf.most_affected": "Most affected accounts",
        "pf.most_affected_percent": "Most affected accounts in percent",
        "pf.not_migrated": "Not migrated",
        "pf.failed": "Failed accounts",
        "pf.by": "By {column}",
        "pf.accounts": "accounts",
        "pf.kwh": "kWh",
        "pf.price_now": "{currency}/kWh now",
        "pf.price_new": "{currency}/kWh new",
        "pf.blank": "(blank)",
        "pf.impact": "Bill impact by {column}",
        "pf.point_money": "{point} {currency}",
        "pf.point_percent": "{point} %",
        "pf.current_tariff": "current tariff",
        "pf.proposed_tariff": "proposed tariff",
        "pf.moved": "lines moved most",
        "pf.response": "Price response: {source} (form {form}, {conserved})",
        "pf.per_account": "per account",
        "pf.migration": "migration {source}",
        "pf.form_constant": "constant",
        "pf.form_linear": "linear",
        "pf.conserved": "total kWh conserved",
        "pf.not_conserved": "total kWh not conserved",
        "pf.static": "static",
        "pf.with_response": "with response",
        "pf.kwh_with_response": "kWh with response",
        "pf.with_response_money": "with response {currency}",
        "pf.response_by": "Price response by {column}",
        "pf.response_failed": "no revenue with response: the response of {count} account(s) failed",
        "cr.title": "Correction {tariff}  {start} to {end} (end exclusive)",
        "cr.part": "  part {part}",
        "cr.unmatched": "{status}: the {side} bill of this period ({total} {currency}) has no "
        "counterpart, so no difference is made",
        "cr.side.issued": "issued",
        "cr.side.corrected": "corrected",
        "cr.issued_quantity": "issued qty",
        "cr.corrected_quantity": "corrected qty",
        "cr.quantity_difference": "qty diff",
        "cr.issued_money": "issued {currency}",
        "cr.corrected_money": "corrected {currency}",
        "cr.difference": "difference (退补)",
        "cr.total": "",
        "cr.invoice.net": "Amount excluding VAT (金额)",
        "cr.invoice.tax": "VAT (税额)",
        "cr.invoice.gross": "Total including VAT (价税合计)",
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
        "rank": "排名",
        "tariff": "电价",
        "cost_total": "电费合计（{currency}）",
        "kwh": "电量（千瓦时）",
        "per_kwh": "平均电价（{currency}/千瓦时）",
        "savings": "节省（{currency}）",
        "savings_percent": "节省 %",
        "vs_base": "较基准（{currency}）",
        "by_kind": "按费用类别（{currency}）",
        "by_period": "按计费周期，以首日计（{currency}）",
        "recommendation": "建议：{text}",
        "not_applicable": "无法计价：{tariff}：{reason}",
        "current_failed": "现行电价 {tariff} 计价失败：{reason}",
        "not_ranked": "未排名：{tariff}：{reason}",
        "not_eligible": "不符合执行范围：{tariff}：{reason}",
        "current_ineligible": "现行电价 {tariff} 不在本户可执行的范围内：{reason}",
        "mandatory": "按执行范围，本户须执行 {tariff}",
        "scenario": "情景 {scenario}（{text}）",
        "scenario_failed": "  计算失败：{error}",
        "break_even": "盈亏平衡",
        "pf.title": "电价调整测算：{priced} 户已计价，{failed} 户失败；"
        "{current} -> {proposed}（{currency}）",
        "pf.revenue": "电费收入：现行 {current}，调整后 {proposed}，变化 {change}（{percent} %）",
        "pf.energy": "电量：{kwh} 千瓦时；平均电价 {now} -> {new} {currency}/千瓦时",
        "pf.not_migrated_count": "未迁移：{count} 户",
        "pf.changes": "电费变化：{more} 户增加，{less} 户减少，{same} 户不变",
        "pf.percentile": "分位数",
        "pf.change_money": "变化（{currency}）",
        "pf.change_percent": "变化 %",
        "pf.change": "变化",
        "pf.account": "户号",
        "pf.current_money": "现行（{currency}）",
        "pf.proposed_money": "调整后（{currency}）",
        "pf.most_affected": "影响最大的用户",
        "pf.most_affected_percent": "影响比例最大的用户",
        "pf.not_migrated": "未迁移",
        "pf.failed": "计价失败的用户",
        "pf.by": "按 {column}",
        "pf.accounts": "户数",
        "pf.kwh": "电量（千瓦时）",
        "pf.price_now": "现行电价（{currency}/千瓦时）",
        "pf.price_new": "调整后电价（{currency}/千瓦时）",
        "pf.blank": "（空）",
        "pf.impact": "按 {column} 的电费影响",
        "pf.point_money": "{point}（{currency}）",
        "pf.point_percent": "{point} %",
        "pf.current_tariff": "现行电价",
        "pf.proposed_tariff": "调整后电价",
        "pf.moved": "变化最大的费用项",
        "pf.response": "价格响应：{source}（{form}，{conserved}）",
        "pf.per_account": "按户现行电价",
        "pf.migration": "迁移 {source}",
        "pf.form_constant": "常弹性",
        "pf.form_linear": "线性",
        "pf.conserved": "总电量不变",
        "pf.not_conserved": "总电量可变",
        "pf.static": "静态",
        "pf.with_response": "考虑价格响应",
        "pf.kwh_with_response": "响应后电量（千瓦时）",
        "pf.with_response_money": "响应后（{currency}）",
        "pf.response_by": "按 {column} 的价格响应",
        "pf.response_failed": "无响应后收入：{count} 户的价格响应失败",
        "pf.response_rule": "响应后电量：各时段电量乘以其系数，按读数精度四舍五入，"
        "再按各时段内各时点电量的比例分摊（最大余数法）；各时段电价为其电量电费的平均电价",
        "pf.response_rule_conserve": "再按比例调整，使总电量与读数相同",
        "cr.title": "退补电费 {tariff}  {start} 至 {end}（不含 {end}）",
        "cr.part": "  计量点 {part}",
        "cr.unmatched": "{status}：本期{side}账单（{total} {currency}）无对应账单，不计差额",
        "cr.side.issued": "原发行",
        "cr.side.corrected": "更正",
        "cr.issued_quantity": "原发行数量",
        "cr.corrected_quantity": "更正数量",
        "cr.quantity_difference": "数量差",
        "cr.issued_money": "原发行（{currency}）",
        "cr.corrected_money": "更正（{currency}）",
        "cr.difference": "退补差额",
        "cr.total": "合计",
        "cr.invoice.net": "金额（不含税）",
        "cr.invoice.tax": "税额",
        "cr.invoice.gross": "价税合计",
    },
}

#: Line kinds as a comparison's columns name them (the cost of each kind).
_KIND_COLUMNS: Final = {
    "energy": "电量电费",
    "demand": "需量电费",
    "capacity": "基本电费",
    "fixed": "固定费用",
    "surcharge": "政府性基金及附加",
    "power_factor": "力调电费",
    "tax": "税费",
    "discount": "优惠",
    "minimum": "最低电费补足",
    "export_credit": "上网电费",
    "adjustment": "调整",
}


def point_label(point: str, lang: str = "en") -> str:
    """A point of a distribution (``min``, ``p10``, ``median``, ``max``) in a language.

    >>> point_label("p10", "zh"), point_label("median", "zh"), point_label("p10")
    ('10%分位', '中位数', 'p10')
    """
    _check(lang)
    if lang == "en":
        return point
    named = {"min": "最小", "median": "中位数", "max": "最大"}
    if point in named:
        return named[point]
    found = re.fullmatch(r"p([0-9]+)", point)
    return point if found is None else f"{found.group(1)}%分位"


def kind_label(kind: str, lang: str = "en") -> str:
    """A line kind as a column of a comparison: the kind itself in English, 电量电费 in Chinese.

    >>> kind_label("energy"), kind_label("energy", "zh"), kind_label("other", "zh")
    ('energy', '电量电费', 'other')
    """
    _check(lang)
    return kind if lang == "en" else _KIND_COLUMNS.get(kind, kind)


def eligibility_text(
    status: str,
    text: str,
    facts: tuple[tuple[str, str], ...],
    needs: tuple[str, ...],
    lang: str = "en",
) -> str:
    """An account's standing under a tariff's eligibility, in a language.

    English is ``text`` as the assessment wrote it; Chinese is written from its facts:
    each condition that fails, or the account facts an unknown standing needs.
    """
    _check(lang)
    if lang == "en":
        return text
    found = dict(facts)
    note = f"（{found['note']}）" if "note" in found else ""
    if status == "unknown":
        names = "、".join(_FACTS.get(name, name) for name in needs)
        return f"执行范围待定：户信息缺 {names}{note}"
    return "；".join(_reasons(found)) + note


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


#: The metering rules of exported energy (glossary "Exports").
_METERING: Final = {
    "net_metering": "净计量（电量抵扣）",
    "net_billing": "净结算（上网电费抵扣）",
    "buy_all_sell_all": "全额上网",
}

#: The account facts an eligibility condition checks (glossary "Eligibility").
_FACTS: Final = {
    "customer_class": "用电类别",
    "voltage_kv": "受电电压",
    "capacity_kva": "受电容量",
    "contract_demand_kw": "合同最大需量",
}

#: The bounds of an eligibility range, in the order the English names them.
_BOUNDS: Final = {"min": "不低于", "above": "高于", "max": "不高于", "below": "低于"}

#: The quantities of a readings file (the readings contract's columns).
_QUANTITY_NAMES: Final = {
    "kwh": "用电量",
    "export_kwh": "上网电量",
    "kvarh": "无功电量",
    "kw": "功率",
}

#: Units of a readings file's columns besides those of `_UNITS`.
_READING_UNITS: Final = {"Wh": "瓦时", "MWh": "兆瓦时", "W": "瓦", "MW": "兆瓦", "varh": "乏时"}


def _zh_unit(unit: str) -> str:
    return _UNITS.get(unit) or _READING_UNITS.get(unit) or unit


def _spans(text: str, pair: str = " 至 ") -> str:
    """``a/b;c/d`` as ``a 至 b、c 至 d``."""
    return "、".join(pair.join(span.split("/")) for span in text.split(";") if span)


def _partial_period(facts: dict[str, str]) -> str:
    return (
        f"不足整月：{facts['start']} 至 {facts['end']}"
        f"（本期 {facts['period_days']} 天，计费 {facts['days']} 天）"
    )


def _uncovered(facts: dict[str, str]) -> str:
    return (
        f"计量数据未覆盖整个周期：{_spans(facts['spans'])} 无数据"
        f"（{facts['missing']} 个间隔未计费）"
    )


def _gaps(facts: dict[str, str]) -> str:
    more = f"，另有 {facts['more']} 处缺数" if facts["more"] != "0" else ""
    return (
        f"计量数据不完整：本期缺 {facts['missing']} 个间隔，未计费"
        f"（允许缺数；{facts['start']} 至 {facts['end']}{more}）"
    )


def _withdrawn(facts: dict[str, str]) -> str:
    return (
        f"电价表已废止：自 {facts['from']} 起按其最后版本计费"
        f"（{facts['withdrawn']} 起废止；表中声明废止后照常计费并提示）"
    )


def _demand_over_readings(facts: dict[str, str]) -> str:
    kind = "滑差" if facts["kind"] == "sliding" else "固定时段"
    return (
        f"需量按计量数据的 {facts['step']} 分钟间隔计算，而非电价表规定的 "
        f"{facts['window']} 分钟{kind}窗口（已声明按计量数据的需量窗口，偏离电价表）"
    )


def _estimated(facts: dict[str, str]) -> str:
    return (
        f"估算电量：本期 {facts['count']} 个间隔（{facts['kwh']} 千瓦时）为估算值，"
        f"非抄见（估算方法 {facts['method']}）"
    )


def _reasons(facts: dict[str, str]) -> list[str]:
    """The failed eligibility conditions of ``reason.<n>.*`` facts, in Chinese."""
    reasons = []
    n = 0
    while f"reason.{n}.field" in facts:
        at = f"reason.{n}."
        field = facts[at + "field"]
        name = _FACTS.get(field, field)
        if at + "allowed" in facts:
            allowed = "、".join(facts[at + "allowed"].split(","))
            reasons.append(f"{name} {facts[at + 'found']} 不在 {allowed} 之列")
        else:
            unit = _zh_unit(facts[at + "unit"])
            bounds = "且".join(
                f"{word} {facts[at + bound]} {unit}"
                for bound, word in _BOUNDS.items()
                if at + bound in facts
            )
            reasons.append(f"{name} {facts[at + 'found']} {unit} 不满足{bounds}")
        n += 1
    return reasons


def _ineligible(facts: dict[str, str]) -> str:
    note = f"（{facts['note']}）" if "note" in facts else ""
    return (
        f"户号 {facts['account']} 不符合电价 {facts['tariff']} 的执行范围："
        f"{'；'.join(_reasons(facts))}{note}；已按要求计价"
    )


def _redated(facts: dict[str, str]) -> str:
    head = f"计量数据由 {facts['from']} 年改为 {facts['to']} 年"
    if facts["kept"] == "dates":
        return f"{head}，保留月日"
    if facts["kept"] == "both":
        return f"{head}，星期与日期均保留"
    return (
        f"{head}，保留星期：每日提前 {facts['shift']} 天"
        f"（{facts['first']} 对应 {facts['to']}-01-01）"
    )


def _columns(facts: dict[str, str]) -> str:
    parts = []
    if "end_less" in facts:
        parts.append(
            f"起始时间 = '{facts['timestamps']}' 列的间隔结束时间减 {facts['end_less']} 分钟"
        )
    elif "timestamps" in facts:
        parts.append(f"起始时间取自 '{facts['timestamps']}' 列")
    for name, word in _QUANTITY_NAMES.items():
        at = f"{name}."
        if at + "column" not in facts:
            continue
        text = f"{word}取自 '{facts[at + 'column']}' 列"
        if at + "unit" in facts:
            unit, target = _zh_unit(facts[at + "unit"]), _zh_unit(facts[at + "target"])
            how = "，为各间隔的平均值" if facts[at + "averaged"] == "1" else ""
            text += f"，单位{unit}{how}（× {facts[at + 'factor']} 换算为{target}）"
        parts.append(text)
    if "ignore" in facts:
        parts.append("未读取：" + "、".join(f"'{c}'" for c in facts["ignore"].split(",")))
    return "计量数据列：" + "；".join(parts)


def _undated_values(facts: dict[str, str]) -> str:
    text = (
        f"计量数据：{facts['count']} 个无起始时间的数值，按 {facts['clock']} 时钟自 "
        f"{facts['year']}-01-01T00:00 起每 {facts['minutes']} 分钟一个"
    )
    if facts["priced_on"]:
        text += f"，按 {facts['priced_on']} 时钟计费"
    return text


#: The Chinese of each warning an engine or a reader puts on a bill, by its key, written
#: from its facts. Every `BillWarning` key of the code has an entry (a test greps them).
_WARNINGS: Final[dict[str, Callable[[dict[str, str]], str]]] = {
    "partial_period": _partial_period,
    "uncovered": _uncovered,
    "gaps": _gaps,
    "withdrawn": _withdrawn,
    "unpriced": lambda facts: f"未计价：{facts['text']}",
    "demand_over_readings": _demand_over_readings,
    "estimated": _estimated,
    "no_export_column": lambda facts: (
        f"计量数据无上网电量列：按无上网电量计费（{_METERING.get(facts['rule'], facts['rule'])}）"
    ),
    "no_export_credit": lambda facts: "计量数据无上网电量列：不计上网电量抵扣",
    "no_energy": lambda facts: "本期无用电量：不做功率因数调整",
    "ineligible": _ineligible,
    "redated": _redated,
    "redate_outside": lambda facts: (
        f"{facts['year']} 年以外的 {facts['count']} 个数据未使用（{facts['kwh']} 千瓦时）"
    ),
    "redate_left_out": lambda facts: (
        f"{facts['day']} 未计入：{facts['count']} 个数据，{facts['kwh']} 千瓦时"
    ),
    "redate_rotated": lambda facts: f"年份轮转：{_spans(facts['moved'], ' 对应 ')}，星期不同",
    "reclocked": lambda facts: (
        f"计量数据由 {facts['from']} 的当地时钟移至 {facts['to']} 的当地时钟："
        "各间隔保留当地日期与时间"
    ),
    "standard_time": lambda facts: (
        f"计量数据全年按 {facts['timezone']} 的标准时间记录（{facts['offset']}，"
        f"{facts['zone']}），按 {facts['timezone']} 时钟计费"
    ),
    "undated_values": _undated_values,
    "columns": _columns,
}

#: The keys of the warnings written in Chinese (every key of `BillWarning` the code has).
WARNING_KEYS: Final = frozenset(_WARNINGS)


def _chinese_warning(warning: BillWarning) -> str | None:
    """The Chinese of a warning written from facts; None for one without a key."""
    if warning.key is None or warning.key not in _WARNINGS:
        return None
    return _WARNINGS[warning.key](dict(warning.params))


def warning_text(warning: str, lang: str = "en") -> str:
    """A bill's warning in a language.

    Every warning the engine and the readers put on a bill is a `BillWarning` with a key
    and its facts, and is written in Chinese from those facts (`WARNING_KEYS`); a plain
    text (a bill read back from a file) stays as it is.

    >>> warning_text(BillWarning("partial period: ...", "partial_period", (("start",
    ...     "2025-07-10"), ("end", "2025-08-01"), ("days", "22"), ("period_days", "31"))), "zh")
    '不足整月：2025-07-10 至 2025-08-01（本期 31 天，计费 22 天）'
    """
    _check(lang)
    if lang == "en" or not isinstance(warning, BillWarning):
        return warning
    return _chinese_warning(warning) or warning


# -- the recommendation of a comparison ------------------------------------------------


def _saves(facts: dict[str, str]) -> str:
    head = f"现行电价 {facts['moved_from']} 本户不可执行，" if "moved_from" in facts else ""
    return (
        f"{head}{facts['tariff']} 较 {facts['current']} 节省 {facts['savings']} "
        f"{_zh_unit(facts['currency'])}"
    )


def _percent_text(facts: dict[str, str]) -> str:
    return f"{facts['percent']} %" if "percent" in facts else "—"


def _cheapest(facts: dict[str, str]) -> str:
    currency = _zh_unit(facts["currency"])
    text = (
        f"{facts['tariff']} 是所计价的 {facts['count']} 种电价中最便宜的："
        f"{facts['total']} {currency}"
    )
    if "next" in facts:
        text += f"，比 {facts['next']} 少 {facts['gap']} {currency}"
    return text


def _stay(facts: dict[str, str]) -> str:
    text = f"维持 {facts['tariff']}：没有更便宜的电价"
    if "ties" in facts:
        text += f"（{'、'.join(facts['ties'].split(','))} 电费相同）"
    return text


#: The Chinese of a comparison's recommendation, by its key, written from its facts.
_ADVICE: Final[dict[str, Callable[[dict[str, str]], str]]] = {
    "cheapest": _cheapest,
    "stay": _stay,
    "saves": lambda facts: (
        f"{_saves(facts)}（{facts['days']} 天，{_percent_text(facts)}；账单不足一年，不折算全年）"
    ),
    "saves_year": lambda facts: f"{_saves(facts)}/年（{_percent_text(facts)}）",
    "saves_at_rate": lambda facts: (
        f"{_saves(facts)}（{facts['days']} 天，{_percent_text(facts)}；按此折算约 "
        f"{facts['annual']} {_zh_unit(facts['currency'])}/年）"
    ),
    "move_more": lambda facts: (
        f"现行电价 {facts['current']} 本户不可执行，{facts['tariff']} 是本户可执行的最便宜电价，"
        f"多 {facts['more']} {_zh_unit(facts['currency'])}"
    ),
    "move_none": lambda facts: f"本户不可执行 {facts['current']}，且所比较的其他电价均无法计价",
}

#: The keys of the recommendations written in Chinese (every key `Recommendation` has).
ADVICE_KEYS: Final = frozenset(_ADVICE)


def advice_text(
    text: str,
    key: str | None,
    facts: tuple[tuple[str, str], ...],
    lang: str = "en",
    source: str | None = None,
) -> str:
    """A comparison's recommendation in a language.

    English is ``text`` as the comparison wrote it; Chinese is written from its ``key``
    and ``facts`` (`ADVICE_KEYS`), saying what the English says: the ties of a tariff
    to stay on, what the savings mostly come from (``source``: the line's label or the
    line kind, in ``lang``, given by the caller that has the bills), and that the current
    tariff could not be priced. A recommendation without a key stays as written.

    >>> advice_text("stay on b: ...", "stay", (("tariff", "b"), ("ties", "a,c")), "zh")
    '维持 b：没有更便宜的电价（a、c 电费相同）'
    """
    _check(lang)
    if lang == "en" or key is None or key not in _ADVICE:
        return text
    found = dict(facts)
    advice = _ADVICE[key](found)
    if source is not None and "source_kind" in found:
        advice += f"，主要来自{source}"
    if "unpriced_current" in found:
        advice += f"；现行电价 {found['unpriced_current']} 无法计价，不给出节省额"
    return advice


# -- the reasons of ``tariffs explain`` --------------------------------------------------

#: How an amount is rounded (glossary "Tariff": 四舍五入 is ``half_up``).
_ROUNDING: Final = {
    "half_up": "四舍五入",
    "half_even": "四舍六入五成双",
    "down": "舍去",
    "up": "进位",
}

#: Day types as the bundled tables name them (glossary "Calendar and time of use").
_DAY_TYPES: Final = {"workday": "工作日", "weekend": "周末", "holiday": "节假日"}

#: What a tier bound or a fixed amount counts per.
_PER: Final = {"month": "每月", "bill": "每张账单", "year": "每年", "day": "每天"}

#: The prices of the agency purchase price (电网代理购电价格) by component.
_PRICE_COMPONENTS: Final = {
    "purchase": "代理购电价格",
    "line_loss": "上网环节线损费用",
    "transmission": "输配电价",
    "system_operation": "系统运行费用",
    "funds": "政府性基金及附加",
}

_BASIC_METHODS: Final = {
    "capacity": "按容量",
    "contract_demand": "按合同最大需量",
    "actual_demand": "按实际最大需量",
}


def _ordinal(number: str) -> str:
    """A tier number as 第二档 (past nine: 第10档)."""
    count = int(number)
    return f"第{_ORDINALS[count - 1]}档" if 1 <= count <= len(_ORDINALS) else f"第{count}档"


def _listed(items: tuple[str, ...] | list[str]) -> str:
    return "、".join(items)


def _zh_period(name: str) -> str:
    return _period(name) or name


def _rounded(facts: dict[str, Any]) -> str:
    """``，按四舍五入保留 2 位小数：12.35`` where the amount was rounded, else nothing."""
    if not facts["amount"]:
        return ""
    mode = str(facts["mode"])
    return f"，按{_ROUNDING.get(mode, mode)}保留 {facts['places']} 位小数：{facts['amount']}"


def _priced(facts: dict[str, Any]) -> str:
    """The kWh priced from the kWh read: netted by exports and credit, losses added."""
    if not facts["kwh"]:
        return ""
    text = f" - {facts['netted']} 千瓦时由上网电量及结转电量抵扣" if facts["netted"] else ""
    if facts["losses"]:
        text += f" + {facts['losses']} 千瓦时变损线损"
    return text + f" = {facts['kwh']} 千瓦时"


def _override_reason(facts: dict[str, Any]) -> str:
    text = f"特殊时段 {_listed(facts['windows'])}"
    if facts["months"]:
        text += f"（{_listed(facts['months'])} 月）"
    if facts["events"]:
        text += "，申报的事件日"
    if facts["day_types"]:
        types = [_DAY_TYPES.get(t, t) for t in facts["day_types"]]
        text += f"，适用日 {_listed(types)}"
    if facts["replaces"]:
        names = [_zh_period(p) for p in facts["replaces"]]
        text += f"，替代{_listed(names)}时段"
    return text


def _period_reason(facts: dict[str, Any]) -> str:
    where = []
    if facts["period"]:
        where.append(f"{_zh_period(str(facts['period']))}时段")
    if facts["season"]:
        where.append(_SEASONS.get(str(facts["season"]), str(facts["season"])))
    name = "，".join(where) or "全部时段"
    first, last = facts["first_day"], facts["last_day"]
    days = f"{first}" if first == last else f"{first} 至 {last}"
    text = f"{name}：{facts['intervals']} 个间隔，读数 {facts['read_kwh']} 千瓦时（{days}"
    if facts["windows"]:
        text += f"；{_listed(facts['windows'])}"
    if facts["day_types"]:
        types = [_DAY_TYPES.get(t, t) for t in facts["day_types"]]
        text += f"；适用日 {_listed(types)}"
    for override in facts["overrides"]:
        text += f"；{reason_text(override, 'zh')}"
    return text + "）" + _priced(facts)


def _tier_span(facts: dict[str, Any]) -> str:
    per = _PER.get(str(facts["per"]), str(facts["per"]))
    span = (
        f"{facts['low']} 千瓦时以上"
        if not facts["high"]
        else f"{facts['low']} 至 {facts['high']} 千瓦时"
    )
    return f"{_ordinal(str(facts['tier']))}：{per} {span}"


def _tier_bounds(facts: dict[str, Any]) -> str:
    text = f"分档电量 {_listed(facts['declared'])} 千瓦时"
    if facts["allowance"]:
        text += f" + {facts['allowance']} 千瓦时（一户多人口增加的阶梯电量基数）"
    if facts["days"]:
        text += f" × {facts['days']} 天"
    if facts["demand_kw"]:
        text += f" × 最大需量 {facts['demand_kw']} 千瓦"
    if facts["proration"]:
        text += f" × {facts['proration']}（不足整期）"
    return text


def _tier_counted(facts: dict[str, Any]) -> str:
    before = f"本账单前已累计 {facts['before']} 千瓦时，" if facts["before"] else ""
    scope = "本期" if facts["scope"] == "bill" else "本段"
    return (
        f"{before}{scope} {facts['total']} 千瓦时：其中 {facts['tier_kwh']} 千瓦时计入"
        f"{_ordinal(str(facts['tier']))}"
    )


def _demand_where(facts: dict[str, Any]) -> str:
    where = ""
    if facts["periods"]:
        names = [_zh_period(p) for p in facts["periods"]]
        where += f"（{_listed(names)}时段）"
    if facts["hours"]:
        where += f"（{_listed(facts['hours'])}）"
    return f"最大需量 {facts['demand']} {_zh_unit(facts['unit'])}{where}"


def _demand_window(facts: dict[str, Any]) -> str:
    kind = "滑差" if facts["sliding"] else "整点对齐"
    return (
        f"{_demand_where(facts)}，按 {facts['minutes']} 分钟{kind}需量周期，出现在自 "
        f"{facts['start']} 起的周期（{facts['intervals']} 个间隔，{facts['window_kwh']} "
        f"{_zh_unit(facts['energy'])} × 60 / {facts['minutes']}）"
    )


def _base(facts: dict[str, Any]) -> str:
    lines = facts["lines"]
    named = " + ".join(f"{code} {amount}" for code, amount in lines) or "无项目"
    return f"计算基数：{named} = {facts['total']} {_zh_unit(facts['currency'])}"


def _share(facts: dict[str, Any]) -> str:
    text = f"× {facts['share']} 个月"
    if facts["days"]:
        text += f"（{facts['days']} 天 / {facts['month_days']} 天）"
    return text


def _amount_product(facts: dict[str, Any]) -> str:
    product = f"{facts['quantity']} {_zh_unit(facts['unit'])} × {facts['rate']}"
    if facts["share"]:
        product += f" × {facts['share']}"
    if facts["credit"]:
        product = f"-({product})"
    return f"{product} = {facts['exact']} {_zh_unit(facts['currency'])}{_rounded(facts)}"


def _which_lines(facts: dict[str, Any]) -> str:
    return "所有项目" if facts["every"] else f"项目 {_listed(facts['lines'])}"


def _capacity_part(facts: dict[str, Any]) -> str:
    text = (
        f"基本电费计收方式：按容量，{facts['start']} 至 {facts['end']}（不含），"
        f"合同容量 {facts['capacity']} 千伏安"
    )
    if facts["suspended"]:
        text += f"，暂停 {facts['suspended']} 千伏安"
    if facts["reduced"]:
        text += f"，减容 {facts['reduced']} 千伏安"
    return text + f"（用户 {facts['account']} 的容量变更）"


def _demand_method(facts: dict[str, Any]) -> str:
    method = str(facts["method"])
    who = f"（用户 {facts['account']}）" if facts["account"] else ""
    return f"基本电费计收方式：{_BASIC_METHODS.get(method, method)}{who}"


def _ratchet(facts: dict[str, Any]) -> str:
    text = (
        f"需量棘轮：{facts['percent']} % × {facts['highest']} 千瓦（此前 {facts['months']} "
        f"个月的最高值）= {facts['ratchet']} 千瓦"
    )
    if facts["minimum"]:
        text += f"，最低计费需量 {facts['minimum']} 千瓦"
    billed = {
        "measured": "实际最大需量",
        "ratchet": f"棘轮需量 {facts['ratchet']} 千瓦",
        "minimum": f"最低计费需量 {facts['minimum']} 千瓦",
    }[str(facts["billed"])]
    return text + f"；实际 {facts['measured']} 千瓦；按{billed}计收"


def _demand_tier(facts: dict[str, Any]) -> str:
    low, high = facts["low"], facts["high"]
    span = f"{low} 千瓦以上" if not high else f"{low} 至 {high} 千瓦"
    return f"需量{_ordinal(str(facts['tier']))}：{span}"


def _price_file(facts: dict[str, Any]) -> str:
    component = str(facts["component"])
    price = _PRICE_COMPONENTS.get(component, component)
    return f"{_month(str(facts['month']))}{price}，取自 {facts['source']}"


#: The Chinese of each reason `tariffs explain` gives for a line, by its key, written from
#: its facts. Every `Reason` key of the code has an entry (a test walks the source).
_REASONS: Final[dict[str, Callable[[dict[str, Any]], str]]] = {
    # The engine's own (tariffs.engine.explain).
    "period": _period_reason,
    "override": _override_reason,
    "all_intervals": lambda facts: (
        f"全部 {facts['intervals']} 个间隔：读数 {facts['read_kwh']} 千瓦时{_priced(facts)}"
    ),
    "tier_span": _tier_span,
    "tier_bounds": _tier_bounds,
    "tier_counted": _tier_counted,
    "tier_share": lambda facts: (
        f"按比例分摊：{facts['tier_kwh']} × {facts['bucket_kwh']} / {facts['total']} 千瓦时"
    ),
    "demand_none": lambda facts: f"{_demand_where(facts)}：无间隔",
    "demand_metered": lambda facts: (
        f"{_demand_where(facts)}，取电能表上报值（{facts['column']} 列），出现在自 "
        f"{facts['start']} 起的间隔"
    ),
    "demand_window": _demand_window,
    "base": _base,
    "share": _share,
    "amount_count": lambda facts: (
        f"{facts['rate']} × {facts['count']} {_zh_unit(facts['unit'])} = {facts['exact']} "
        f"{_zh_unit(facts['currency'])}{_rounded(facts)}"
    ),
    "amount_product": _amount_product,
    "amount_exact": lambda facts: (
        f"精确金额 {facts['exact']} {_zh_unit(facts['currency'])}{_rounded(facts)}"
    ),
    "vat_base": lambda facts: (
        f"增值税（电价不含税）：其他项目合计 {facts['base']} {_zh_unit(facts['currency'])}"
    ),
    "vat_amount": lambda facts: (
        f"{facts['base']} × {facts['rate']} = {facts['exact']} {_zh_unit(facts['currency'])}"
        f"{_rounded(facts)}"
    ),
    "rounding_line": lambda facts: (
        f"其他项目合计 {facts['lines_sum']} {_zh_unit(facts['currency'])}；合计金额一次"
        f"{_ROUNDING.get(str(facts['mode']), str(facts['mode']))}保留 {facts['places']} 位小数："
        f"{facts['total']}，本行为差额 {facts['amount']}"
    ),
    # The charges' (tariffs.engine.charges, tariffs.engine.adjustments).
    "price_file": _price_file,
    "price_file_ratio": lambda facts: (
        f"{_price_file(facts)}：{facts['price']} × {_zh_period(str(facts['period']))}时段"
        f"比价 {facts['ratio']}"
    ),
    "tiers_in_time_order": lambda facts: "阶梯按用电时间顺序累计：跨越分档电量的间隔拆分计入",
    "fixed_per": lambda facts: (
        f"{_PER.get(str(facts['per']), str(facts['per']))} {facts['amount']}"
    ),
    "fixed_prorated": lambda facts: (
        f"按天折算：{facts['share']} 个月（{facts['days']} 天 / {facts['of']} 天）"
    ),
    "fixed_days": lambda facts: f"用电 {facts['days']} 天",
    "every_kwh": lambda facts: "按全部用电量计收，不分时段",
    "export_credited": lambda facts: (
        f"上网电量 {facts['kwh']} 千瓦时（{facts['column']} 列），按每千瓦时 {facts['rate']} "
        "抵扣：金额为负"
    ),
    "hourly_prices": lambda facts: (
        f"{facts['hours']} 个当地整点小时，每小时电量 × （该小时电价 + 加价 {facts['adder']}）"
    ),
    "interval_prices": lambda facts: (
        f"{facts['intervals']} 个 {facts['minutes']} 分钟电价间隔（{facts['source']}），"
        f"每个间隔电量 × （该间隔电价 + 加价 {facts['adder']}）"
    ),
    "percent_of": lambda facts: (
        f"此前已计价的{_which_lines(facts)}（舍入后金额）的 {facts['percent']} %"
    ),
    "minimum": lambda facts: (
        f"最低电费 {facts['minimum']}（{_PER.get(str(facts['per']), str(facts['per']))} "
        f"{facts['amount']} × {facts['count']}）减计算基数 {facts['base']} = 补足 "
        f"{facts['made_up']}"
    ),
    "annual_minimum": lambda facts: (
        f"年最低电费 {facts['minimum']}（{facts['amount']} × {facts['days']} / "
        f"{facts['year_days']} 天）减 {facts['year']} 年已计 {facts['billed']} = 补足 "
        f"{facts['made_up']}"
    ),
    "power_factor": lambda facts: (
        f"功率因数 = 有功电量 / √(有功电量² + 无功电量²) = {facts['kwh']} / "
        f"√({facts['kwh']}² + {facts['kvarh']}²)，四舍五入保留 2 位小数：{facts['factor']}"
    ),
    "power_factor_table": lambda facts: (
        f"功率因数调整电费表 {facts['table']}（考核标准 {facts['standard']}）：功率因数 "
        f"{facts['factor']} 对应 {facts['percent']} %，用于此前的{_which_lines(facts)}"
    ),
    "reactive_free": lambda facts: (
        f"无功电量 {facts['kvarh']} 千乏时减免费的 {facts['free_per']} × {facts['kwh']} 千瓦时 "
        f"= {facts['free']} 千乏时：计费 {facts['billed']} 千乏时"
    ),
    "capacity_method": lambda facts: f"基本电费计收方式：按容量，合同容量 {facts['kva']} 千伏安",
    "capacity_counted": lambda facts: (
        f"计费容量：变压器 {' + '.join(facts['billed'])}"
        + (f"；{_listed(facts['idle'])} 互锁，不计" if facts["idle"] else "")
    ),
    "capacity_part": _capacity_part,
    "demand_method": _demand_method,
    "demand_floor": lambda facts: (
        f"下限：容量 {facts['capacity']} 千伏安的 {facts['percent']} % = {facts['floor']} 千瓦"
    ),
    "contract_demand": lambda facts: (
        f"合同最大需量 {facts['declared']} 千瓦"
        + (f"，不低于下限 {facts['floor']} 千瓦：{facts['billed']} 千瓦" if facts["floor"] else "")
    ),
    "measured_demand": lambda facts: (
        f"实际最大需量 {facts['measured']} 千瓦，不低于下限 {facts['floor']} 千瓦：按 "
        f"{facts['billed']} 千瓦计收"
        if facts["floor"]
        else f"按实际最大需量 {facts['measured']} 千瓦计收"
    ),
    "overrun_allowance": lambda facts: (
        f"超合同最大需量起算：{facts['contract']} 千瓦的 {facts['percent']} % = "
        f"{facts['allowance']} 千瓦；实际 {facts['measured']} 千瓦"
        + ("，超过" if facts["above"] else "，未超过")
    ),
    "load_factor": lambda facts: (
        f"负荷率 {facts['kwh']} 千瓦时 / {facts['capacity']} 千伏安 ≥ {facts['threshold']} "
        f"千瓦时/千伏安：基本电费优惠 {facts['percent']} %"
    ),
    "ratchet": _ratchet,
    "minimum_kw": lambda facts: (
        f"最低计费需量 {facts['minimum']} 千瓦，实际 {facts['measured']} 千瓦：按"
        + ("最低计费需量" if facts["billed"] == "minimum" else "实际最大需量")
        + "计收"
    ),
    "demand_tier": _demand_tier,
}

#: The keys of the reasons written in Chinese (every key of `Reason` the code has).
REASON_KEYS: Final = frozenset(_REASONS)


def reason_text(reason: str, lang: str = "en") -> str:
    """A reason of ``tariffs explain`` in a language.

    Every reason the engine and the charges give is a `Reason` with a key and its facts,
    written in Chinese from those facts (`REASON_KEYS`); a plain text stays as it is.

    >>> from tariffs.engine.charges.context import Reason
    >>> reason_text(Reason("1.50 per day", "fixed_per", amount="1.50", per="day"), "zh")
    '每天 1.50'
    """
    _check(lang)
    key = getattr(reason, "key", None)
    if lang == "en" or key not in _REASONS:
        return reason
    return _REASONS[key](dict(reason.params))  # type: ignore[attr-defined]
