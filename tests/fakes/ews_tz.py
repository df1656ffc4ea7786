"""Windows time zones as EWS speaks them: SerializableTimeZone rules and server TimeZoneDefinitions.

GetUserAvailability carries the caller's zone as a ``t:TimeZone`` (a base bias in minutes plus a
StandardTime and a DaylightTime rule: "the DayOrder-th DayOfWeek of Month at Time", DayOrder 5
meaning the last) and Exchange answers with local wall-clock times in that zone, without an
offset. This module evaluates those rules, so the fake converts exactly as Exchange would, and
holds a few Windows zone definitions that GetServerTimeZones returns (which is where
exchangelib gets the rules it then sends).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

TNS = "http://schemas.microsoft.com/exchange/services/2006/types"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class TransitionRule:
    """One SerializableTimeZoneTime: bias relative to the base bias, and when it starts."""

    bias: int  # minutes, added to the base bias while this period is in force
    time: time  # local wall-clock time of the transition (in the period being left)
    day_order: int  # 1..4 = first..fourth, 5 = last
    month: int  # 1..12; 0 = no transition
    day_of_week: str  # "Sunday" .. "Saturday"

    def local_instant(self, year: int) -> datetime:
        """Naive local datetime of this transition in *year*."""
        weekday = WEEKDAYS.index(self.day_of_week)
        first_weekday, days_in_month = calendar.monthrange(year, self.month)
        day = 1 + (weekday - first_weekday) % 7 + 7 * (min(self.day_order, 5) - 1)
        while day > days_in_month:
            day -= 7
        return datetime.combine(datetime(year, self.month, day).date(), self.time)

    def to_xml(self, tag: str) -> str:
        return (
            f"<t:{tag}><t:Bias>{self.bias}</t:Bias>"
            f"<t:Time>{self.time.strftime('%H:%M:%S')}</t:Time>"
            f"<t:DayOrder>{self.day_order}</t:DayOrder><t:Month>{self.month}</t:Month>"
            f"<t:DayOfWeek>{self.day_of_week}</t:DayOfWeek></t:{tag}>"
        )


@dataclass(frozen=True)
class SerializableTimeZone:
    """The ``t:TimeZone`` of availability requests. Local time = UTC - (bias + period bias)."""

    bias: int
    standard: TransitionRule | None = None
    daylight: TransitionRule | None = None

    @property
    def has_dst(self) -> bool:
        s, d = self.standard, self.daylight
        return bool(s and d and s.month and d.month and s.bias != d.bias)

    def _transitions_utc(self, year: int) -> tuple[datetime, datetime]:
        assert self.standard is not None and self.daylight is not None
        # Daylight starts at a wall-clock time given in standard time, and vice versa.
        dst_start = self.daylight.local_instant(year) + timedelta(
            minutes=self.bias + self.standard.bias
        )
        dst_end = self.standard.local_instant(year) + timedelta(
            minutes=self.bias + self.daylight.bias
        )
        return dst_start, dst_end

    def is_daylight(self, utc: datetime) -> bool:
        if not self.has_dst:
            return False
        naive = utc.astimezone(UTC).replace(tzinfo=None)
        start, end = self._transitions_utc(naive.year)
        if start < end:  # northern hemisphere
            return start <= naive < end
        return naive >= start or naive < end  # southern hemisphere

    def offset_minutes(self, utc: datetime) -> int:
        """Minutes to subtract from UTC to get local time (the total Windows bias)."""
        if self.is_daylight(utc):
            assert self.daylight is not None
            return self.bias + self.daylight.bias
        return self.bias + (self.standard.bias if self.standard else 0)

    def to_local(self, utc: datetime) -> datetime:
        """Aware UTC -> naive local wall-clock time in this zone."""
        naive = utc.astimezone(UTC).replace(tzinfo=None)
        return naive - timedelta(minutes=self.offset_minutes(utc))

    def to_utc(self, local: datetime) -> datetime:
        """Naive local wall-clock time -> aware UTC (ambiguous times resolve to daylight)."""
        candidates = [self.bias + (self.standard.bias if self.standard else 0)]
        if self.has_dst:
            assert self.daylight is not None
            candidates.insert(0, self.bias + self.daylight.bias)
        for bias in candidates:
            utc = (local + timedelta(minutes=bias)).replace(tzinfo=UTC)
            if self.offset_minutes(utc) == bias:
                return utc
        return (local + timedelta(minutes=candidates[-1])).replace(tzinfo=UTC)  # in a gap

    def to_xml(self, tag: str = "TimeZone") -> str:
        std = self.standard or TransitionRule(0, time(0), 1, 1, "Sunday")
        dst = self.daylight or TransitionRule(0, time(0), 1, 1, "Sunday")
        return (
            f"<t:{tag}><t:Bias>{self.bias}</t:Bias>"
            f"{std.to_xml('StandardTime')}{dst.to_xml('DaylightTime')}</t:{tag}>"
        )

    @classmethod
    def from_element(cls, elem: ET.Element) -> SerializableTimeZone:
        def rule(tag: str) -> TransitionRule | None:
            r = elem.find(f"{{{TNS}}}{tag}")
            if r is None:
                return None
            hh, mm, *rest = (r.findtext(f"{{{TNS}}}Time") or "00:00:00").split(":")
            ss = int(float(rest[0])) if rest else 0
            return TransitionRule(
                bias=int(r.findtext(f"{{{TNS}}}Bias") or 0),
                time=time(int(hh), int(mm), ss),
                day_order=int(r.findtext(f"{{{TNS}}}DayOrder") or 1),
                month=int(r.findtext(f"{{{TNS}}}Month") or 0),
                day_of_week=(r.findtext(f"{{{TNS}}}DayOfWeek") or "Sunday").strip(),
            )

        return cls(
            bias=int(elem.findtext(f"{{{TNS}}}Bias") or 0),
            standard=rule("StandardTime"),
            daylight=rule("DaylightTime"),
        )


UTC_ZONE = SerializableTimeZone(0)


@dataclass(frozen=True)
class WindowsZone:
    """A Windows time zone with today's rules (no historical rule changes)."""

    id: str
    name: str
    rules: SerializableTimeZone

    def definition_xml(self, *, full: bool) -> str:
        """A ``t:TimeZoneDefinition`` as GetServerTimeZones returns it."""
        head = f"<t:TimeZoneDefinition Id={quoteattr(self.id)} Name={quoteattr(self.name)}"
        if not full:
            return head + "/>"
        r = self.rules
        prefix = f"trule:Microsoft/Registry/{self.id}/2007"
        std_bias = r.bias + (r.standard.bias if r.standard else 0)
        periods = [
            f'<t:Period Bias="{_duration(std_bias)}" Name="Standard" Id="{prefix}-Standard"/>'
        ]
        if r.has_dst:
            assert r.daylight is not None and r.standard is not None
            periods.append(
                f'<t:Period Bias="{_duration(r.bias + r.daylight.bias)}" Name="Daylight" '
                f'Id="{prefix}-Daylight"/>'
            )
            transitions = _recurring(r.daylight, f"{prefix}-Daylight") + _recurring(
                r.standard, f"{prefix}-Standard"
            )
        else:
            transitions = (
                f'<t:Transition><t:To Kind="Period">{prefix}-Standard</t:To></t:Transition>'
            )
        return (
            f"{head}><t:Periods>{''.join(periods)}</t:Periods>"
            f'<t:TransitionsGroups><t:TransitionsGroup Id="0">{transitions}'
            "</t:TransitionsGroup></t:TransitionsGroups>"
            '<t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition>'
            "</t:Transitions></t:TimeZoneDefinition>"
        )


def _duration(bias_minutes: int) -> str:
    sign = "-" if bias_minutes < 0 else ""
    hours, minutes = divmod(abs(bias_minutes), 60)
    return f"{sign}PT{hours}H{minutes}M" if minutes else f"{sign}PT{hours}H"


def _recurring(rule: TransitionRule, period_id: str) -> str:
    offset = rule.time.hour * 60 + rule.time.minute
    occurrence = -1 if rule.day_order == 5 else rule.day_order
    return (
        f'<t:RecurringDayTransition><t:To Kind="Period">{period_id}</t:To>'
        f"<t:TimeOffset>{_duration(offset)}</t:TimeOffset><t:Month>{rule.month}</t:Month>"
        f"<t:DayOfWeek>{rule.day_of_week}</t:DayOfWeek><t:Occurrence>{occurrence}</t:Occurrence>"
        "</t:RecurringDayTransition>"
    )


def _eu(bias: int, dst_hour: int, std_hour: int) -> SerializableTimeZone:
    return SerializableTimeZone(
        bias,
        standard=TransitionRule(0, time(std_hour), 5, 10, "Sunday"),
        daylight=TransitionRule(-60, time(dst_hour), 5, 3, "Sunday"),
    )


def _us(bias: int) -> SerializableTimeZone:
    return SerializableTimeZone(
        bias,
        standard=TransitionRule(0, time(2), 1, 11, "Sunday"),
        daylight=TransitionRule(-60, time(2), 2, 3, "Sunday"),
    )


_ZONES = [
    WindowsZone("UTC", "(UTC) Coordinated Universal Time", UTC_ZONE),
    WindowsZone("GMT Standard Time", "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", _eu(0, 1, 2)),
    WindowsZone(
        "W. Europe Standard Time",
        "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        _eu(-60, 2, 3),
    ),
    WindowsZone(
        "Romance Standard Time", "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", _eu(-60, 2, 3)
    ),
    WindowsZone(
        "Central Europe Standard Time",
        "(UTC+01:00) Belgrade, Bratislava, Budapest, Ljubljana, Prague",
        _eu(-60, 2, 3),
    ),
    WindowsZone("Eastern Standard Time", "(UTC-05:00) Eastern Time (US & Canada)", _us(300)),
    WindowsZone("Central Standard Time", "(UTC-06:00) Central Time (US & Canada)", _us(360)),
    WindowsZone("Pacific Standard Time", "(UTC-08:00) Pacific Time (US & Canada)", _us(480)),
    WindowsZone(
        "Tokyo Standard Time", "(UTC+09:00) Osaka, Sapporo, Tokyo", SerializableTimeZone(-540)
    ),
    WindowsZone(
        "AUS Eastern Standard Time",
        "(UTC+10:00) Canberra, Melbourne, Sydney",
        SerializableTimeZone(
            -600,
            standard=TransitionRule(0, time(3), 1, 4, "Sunday"),
            daylight=TransitionRule(-60, time(2), 1, 10, "Sunday"),
        ),
    ),
]

SERVER_TIME_ZONES: dict[str, WindowsZone] = {z.id: z for z in _ZONES}
