"""Tests of the shipped holiday calendars (tariffs/calendars/cn.yaml).

The expected days below are typed by hand from the notices' text, not from the shipped
file, day by day:

- 2024: 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号, 2023-10-25),
  https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm: 元旦 1月1日; 春节 2月10日
  至17日, 上班 2月4日 (星期日)、2月18日 (星期日); 清明节 4月4日至6日, 上班 4月7日 (星期日);
  劳动节 5月1日至5日, 上班 4月28日 (星期日)、5月11日 (星期六); 端午节 6月10日; 中秋节 9月15日
  至17日, 上班 9月14日 (星期六); 国庆节 10月1日至7日, 上班 9月29日 (星期日)、10月12日 (星期六).
- 2026: 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号, 2025-11-04),
  https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm: 元旦 1月1日至3日, 上班
  1月4日 (周日); 春节 2月15日至23日, 上班 2月14日 (周六)、2月28日 (周六); 清明节 4月4日至6日;
  劳动节 5月1日至5日, 上班 5月9日 (周六); 端午节 6月19日至21日; 中秋节 9月25日至27日; 国庆节
  10月1日至7日, 上班 9月20日 (周日)、10月10日 (周六).
- 2020: the Spring Festival was extended to 2 February by 国务院办公厅关于延长2020年春节假期的
  通知 (国办发明电〔2020〕1号, 2020-01-27), so 1 February (Saturday), a make-up workday of the
  first notice, was a day off.
- 2023: 元旦 was 2022年12月31日至2023年1月2日 (国办发明电〔2022〕16号): 31 December 2022 is a
  day off of 2022 that the 2023 notice declares.
- From 2025 the law gives 春节 4 days and 劳动节 2 days (国务院令第795号, in force 2025-01-01),
  and the 2025 notice's rule is 春节 8 days from 除夕, 劳动节 5 days.
"""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tariffs import parse_tariff
from tariffs.calendars import shipped_calendar
from tariffs.engine.schedule import compile_schedule
from tariffs.errors import TariffFileError
from tariffs.model.holidays import HolidayCalendar

CN = shipped_calendar("CN")
FESTIVALS = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def days(*spans: str) -> set[dt.date]:
    """Dates from "YYYY-MM-DD" or "YYYY-MM-DD..DD" (inclusive, one month)."""
    found: set[dt.date] = set()
    for span in spans:
        first, _, last = span.partition("..")
        start = d(first)
        end = start.replace(day=int(last)) if last else start
        found.update(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return found


EXPECTED = {
    2024: (
        days(
            "2024-01-01",
            "2024-02-10..17",
            "2024-04-04..06",
            "2024-05-01..05",
            "2024-06-10",
            "2024-09-15..17",
            "2024-10-01..07",
        ),
        days(
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ),
    ),
    2026: (
        days(
            "2026-01-01..03",
            "2026-02-15..23",
            "2026-04-04..06",
            "2026-05-01..05",
            "2026-06-19..21",
            "2026-09-25..27",
            "2026-10-01..07",
        ),
        days(
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ),
    ),
}


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_every_day_of_a_year_is_as_its_notice_says(year: int) -> None:
    days_off, workdays = EXPECTED[year]
    assert set(CN.days_off(year)) == days_off
    assert CN.workdays(year) == workdays
    # 2024: 1 + 8 + 3 + 5 + 1 + 3 + 7 = 28 days off; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33.
    assert len(days_off) == {2024: 28, 2026: 33}[year]


def test_festival_names_of_2026_days() -> None:
    off = CN.days_off(2026)
    assert off[d("2026-02-15")] == ("春节",)
    assert off[d("2026-10-07")] == ("国庆节",)
    assert CN.days_off(2025)[d("2025-10-06")] == ("国庆节", "中秋节")


def test_the_2020_spring_festival_extension() -> None:
    off = CN.days_off(2020)
    assert days("2020-01-24..31", "2020-02-01..02") <= set(off)
    assert d("2020-02-03") not in off
    assert d("2020-02-01") not in CN.workdays(2020)
    assert d("2020-01-19") in CN.workdays(2020)


def test_a_new_year_span_starting_in_december_belongs_to_its_calendar_year() -> None:
    assert CN.days_off(2022)[d("2022-12-31")] == ("元旦",)
    assert set(CN.days_off(2023)) >= days("2023-01-01..02")
    assert d("2022-12-31") not in CN.days_off(2023)


def test_covered_years_are_2020_to_2026() -> None:
    assert CN.covered_years == list(range(2020, 2027))
    for year in (2019, 2027):
        with pytest.raises(ValueError, match=rf"covers 2020-2026, not {year}"):
            CN.days_off(year)
        with pytest.raises(ValueError, match=rf"covers 2020-2026, not {year}"):
            CN.workdays(year)


@given(st.sampled_from(CN.covered_years))
def test_each_covered_year_has_the_seven_festivals(year: int) -> None:
    named = {f for span in CN.years[year].holidays for f in span.festivals}
    assert named == FESTIVALS


@given(st.sampled_from(CN.covered_years))
def test_make_up_workdays_are_weekend_days_and_never_days_off(year: int) -> None:
    off = CN.days_off(year)
    for day in CN.workdays(year):
        assert day.weekday() in (5, 6), day
        assert day not in off
        assert day.year == year


@given(st.sampled_from(CN.covered_years))
def test_the_law_of_2025_lengthens_the_spring_festival(year: int) -> None:
    spans = {f: 0 for f in FESTIVALS}
    for span in CN.years[year].holidays:
        for festival in span.festivals:
            spans[festival] += span.days
    # 春节 7 days (or more, 2020's extension) before 2025; 8 from 除夕 or more from 2025.
    assert spans["春节"] >= (8 if year >= 2025 else 7)
    assert spans["劳动节"] == 5
    assert all(spans[f] >= 1 for f in FESTIVALS)


@given(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)))
def test_a_day_is_never_both_off_and_worked(day: dt.date) -> None:
    assert not (day in CN.days_off(day.year) and day in CN.workdays(day.year))


def test_every_year_cites_its_notice_on_gov_cn() -> None:
    for year, notice in CN.years.items():
        assert notice.notice == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert notice.number.startswith(f"国办发明电〔{year - 1}〕")
        assert notice.url.split("/")[2] == "www.gov.cn"
        assert notice.published.year == year - 1


def _broken(change: dict[str, object]) -> dict[str, object]:
    year = {
        "notice": "n",
        "number": "n",
        "published": "2023-10-25",
        "url": "https://www.gov.cn/x",
        "holidays": [
            {"festivals": ["元旦"], "first": "2024-01-01", "last": "2024-01-01", "days": 1}
        ],
        "workdays": [],
    }
    year.update(change)
    return {
        "country": "XX",
        "name": "x",
        "reference": "x",
        "festivals": ["元旦"],
        "years": {"2024": year},
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"workdays": ["2024-02-05"]}, r"2024-02-05 is a Monday, not a weekend day"),
        (
            {
                "holidays": [
                    {"festivals": ["元旦"], "first": "2024-01-06", "last": "2024-01-06", "days": 1}
                ],
                "workdays": ["2024-01-06"],
            },
            r"2024-01-06 is both a day off and a make-up workday",
        ),
        (
            {
                "holidays": [
                    {"festivals": ["元旦"], "first": "2024-01-01", "last": "2024-01-03", "days": 2}
                ]
            },
            r"2024-01-01 to 2024-01-03 is 3 days, the notice says 2",
        ),
        (
            {
                "holidays": [
                    {"festivals": ["春节"], "first": "2024-02-10", "last": "2024-02-10", "days": 1}
                ]
            },
            r"festival '春节' is not in 'festivals'",
        ),
        ({"workdays": ["2025-01-04"]}, r"make-up workday 2025-01-04 is outside the year"),
    ],
)
def test_a_broken_calendar_file_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        HolidayCalendar.model_validate(_broken(change))


# -- other countries, from the optional 'holidays' package ---------------------------------

US_TABLE = """\
id: t
name: t
currency: USD
timezone: America/New_York
reference: written for the tests
versions:
  "2025-01-01":
    day_types:
      workday: {weekdays: [mon, tue, wed, thu, fri]}
      weekend: {weekdays: [sat, sun], holidays: US}
    charges:
      - {kind: energy, price_per_kwh: "0.1"}
"""


def test_another_country_without_the_package_asks_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "holidays" else real(name, *a)
    )
    with pytest.raises(
        TariffFileError,
        match=r"day_types\.weekend\.holidays: no holiday calendar 'US' is shipped \(shipped: "
        r"CN\); other countries come from the optional 'holidays' package: install "
        r"tariffs\[holidays\]",
    ):
        parse_tariff(US_TABLE)


def test_another_country_from_the_package() -> None:
    pytest.importorskip("holidays")
    tariff = parse_tariff(US_TABLE)
    schedule = compile_schedule(tariff.versions[dt.date(2025, 1, 1)])
    names = schedule.day_type_names
    # Independence Day, 4 July (5 U.S.C. § 6103(a)): a Friday in 2025, priced as a weekend.
    assert names[schedule.day_type_of(dt.date(2025, 7, 4))] == "weekend"
    assert names[schedule.day_type_of(dt.date(2025, 7, 3))] == "workday"
    # Thanksgiving Day, the fourth Thursday of November: 27 November 2025.
    assert names[schedule.day_type_of(dt.date(2025, 11, 27))] == "weekend"
    assert names[schedule.day_type_of(dt.date(2025, 11, 20))] == "workday"


def test_a_package_calendar_has_no_make_up_workdays() -> None:
    pytest.importorskip("holidays")
    weekdays = "[mon, tue, wed, thu, fri]"
    text = US_TABLE.replace(f"{weekdays}}}", f"{weekdays}, workdays: US}}")
    with pytest.raises(TariffFileError, match=r"only the shipped calendars \(CN\) have make-up"):
        parse_tariff(text)
    with pytest.raises(TariffFileError, match=r"the 'holidays' package has no calendar 'XX'"):
        parse_tariff(US_TABLE.replace("holidays: US", "holidays: XX"))
