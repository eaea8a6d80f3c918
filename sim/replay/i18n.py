"""Words of the replay in English and Chinese; zone names are the report's (sim/report/i18n.py)."""

from __future__ import annotations

from ..report.i18n import LANGS
from ..report.i18n import TEXT as REPORT_TEXT

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Replay of the day", "现场回放"),
    "subtitle": (
        "Replication {k} of the simulated day · seed {seed} · site opens {open}",
        "模拟日第 {k} 次重复 · 随机种子 {seed} · {open} 开放",
    ),  # fmt: skip
    "play": ("Play", "播放"),
    "pause": ("Pause", "暂停"),
    "speed": ("Speed", "速度"),
    "speed_opt": ("{m} min per second", "每秒 {m} 分钟"),
    "speed_opt_s": ("{s} s per second", "每秒 {s} 秒"),
    "time": ("Time of day", "时刻"),
    "back": ("−5 min", "后退 5 分钟"),
    "forward": ("+5 min", "前进 5 分钟"),
    "moments": ("Jump to", "跳转到"),
    "curve": (
        "People queuing at the site over the day (entry check, outside, waiting zone)",
        "全天在场排队人数（入口核验、等候区外、等候区内）",
    ),  # fmt: skip
    "curve_gates": ("at the gates", "卡口排队"),
    "gates": ("Gates (卡口)", "卡口"),
    "gates_sub": ("people queuing at each gate, both ways", "各卡口排队人数（进出）"),
    "walking": ("walking to and from the site", "往返采样点途中"),
    "arriving": ("arriving", "到达"),
    "lane": ("lane {n}", "通道 {n}"),
    "outside": ("Queue outside the\nwaiting zone", "等候区外\n排队"),
    "stations": ("Sampling stations", "采样台"),
    "stations_busy": ("busy", "在用"),
    "station_n": ("{n}", "{n}"),
    "registrar": ("registrar", "登记"),
    "sampler": ("sampler", "采样"),
    "closed": ("closed: staff change", "暂停：换班"),
    "closed_count": ("closed", "暂停"),
    "no_sampler": ("closed: no sampler", "暂停：无采样员"),
    "no_registrar": ("closed: no registrar", "暂停：无登记员"),
    "on_duty": ("staff on duty", "在岗人员"),
    "changing": ("changing", "更衣中"),
    "swabbed": ("swabbed", "已采样"),
    "boxes": ("Sealed tubes\nin boxes", "已封箱\n采样管"),
    "box_capacity": ("{n} tubes per box", "每箱 {n} 管"),
    "courier": ("Courier", "转运"),
    "trips": ("trips", "趟"),
    "on_road": ("tubes on the road", "途中采样管"),
    "lab": ("Lab", "实验室"),
    "at_lab": ("tubes at the lab", "在检采样管"),
    "results": ("results out", "已出结果"),
    "more": ("+{n} more", "另有 {n}"),
    "capacity_of": ("of {n}", "/ {n}"),
    "legend": ("Legend", "图例"),
    "legend_staff": ("staff", "工作人员"),
    "legend_tube": ("tubes", "采样管"),
    "legend_background": ("everyday gate traffic", "日常进出人员"),
    "legend_closed": ("post closed", "岗位暂停"),
    "read": (
        "Each dot is a person (colour: group). Press Play, or drag the time; a link such as "
        "replay.html#t=09:30 opens paused at that moment. The numbers count everyone at that moment; "
        "where a zone is too full to draw, the rest are summed up (+n more).",
        "每个圆点代表一个人（颜色表示人群）。点击播放或拖动时间条；链接 replay.html#t=09:30 "
        "会暂停在该时刻打开。数字统计该时刻的全部人数；区域太满画不下时，其余人数以“另有 n”汇总。",
    ),  # fmt: skip
    "source": (
        "Drawn from events.csv of the results folder (replication {k}, {rows} events): the state of "
        "everyone at a moment is their last event at or before it. The courier's way back takes as long "
        "as the way out (it has no event of its own).",
        "根据结果文件夹中的 events.csv 绘制（第 {k} 次重复，共 {rows} 条事件）：某一时刻每个人的状态"
        "取其在该时刻及之前的最后一条事件。转运车返程用时按去程计算（返程没有单独的事件）。",
    ),  # fmt: skip
    "several_sites": ("all sites together", "各采样点合计"),
    "error": ("The replay could not start: {message}", "回放无法启动：{message}"),
    # moments of the day (deep links)
    "m_open": ("Site opens", "开放"),
    "m_peak": (
        "Most people queuing at the site: {n} ({outside} outside the waiting zone)",
        "在场排队人数最多：{n} 人（等候区外 {outside} 人）",
    ),  # fmt: skip
    "m_peak_inside": ("Most people queuing at the site: {n}", "在场排队人数最多：{n} 人"),
    "m_full": ("Waiting zone full ({n} people)", "等候区满（{n} 人）"),
    "m_gate": ("Longest gate queue: {gate}, {n} people", "卡口排队最长：{gate}，{n} 人"),
    "m_change": ("First staff change at a post", "首次岗位换班"),
    "m_closed": ("Station {n} closes: no {role} on duty", "{n} 号采样台暂停：{role}岗位无人在岗"),
    "m_courier": ("Courier leaves with {n} tubes", "转运车出发，载 {n} 管"),
    "m_last": ("Last swab", "最后一人采样完成"),
}

GROUPS: dict[str, tuple[str, str]] = {
    "adult": ("adults", "成人"),
    "elderly": ("elderly", "老人"),
    "child": ("children", "儿童"),
    "children": ("children", "儿童"),
    "background": ("everyday gate traffic", "日常进出人员"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The replay's text for `key` in `lang` (or the report's, for the zone names), placeholders filled."""
    words = TEXT.get(key) or REPORT_TEXT[key]
    text = words[LANGS.index(lang)]
    return text.format(**values) if values else text


def group_label(name: str, lang: str) -> str:
    """A population group's name for the legend (the scenario's own name where none is known)."""
    words = GROUPS.get(name)
    return words[LANGS.index(lang)] if words else name
