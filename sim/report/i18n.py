"""Words of the report in English and Chinese: headings, labels, sentences with placeholders."""

from __future__ import annotations

LANGS = ("en", "zh")

KPI_LABELS: dict[str, tuple[str, str]] = {
    "people.called": ("People called", "通知人数"),
    "people.arrived": ("People who came", "到场人数"),
    "people.sampled": ("People swabbed", "完成采样人数"),
    "people.turned_away": ("Turned away (zone full)", "因等候区满被劝返"),
    "people.isolated": ("Sent to isolation", "转入临时隔离区"),
    "people.unserved": (
        "Not served (came after admissions stopped, or waiting at the hard stop)",
        "未采样（停止入场后到达或停止服务时仍在等候）",
    ),
    "people.unswabbed": ("Set out but not swabbed", "已出发但未完成采样"),
    "people.unswabbed.set_out_late": (
        "… set out too late to arrive before admissions stopped",
        "……出发太晚，赶不上入场",
    ),
    "people.unswabbed.delayed": (
        "… held up at a gate until too late, or held there",
        "……在卡口排队耽搁或被留置，未能及时到场",
    ),
    "people.unswabbed.turned_away": ("… turned away for good at a full waiting zone", "……因等候区满被劝返且未再来"),
    "people.unswabbed.hard_stop": ("… still waiting when service ended", "……停止服务时仍在等候"),
    "coverage.share": ("Coverage: swabbed ÷ who set out (0-1)", "覆盖率：完成采样 ÷ 已出发（0-1）"),
    "time.last_arrival_min": ("Last arrival at the site, minutes after opening", "最后一人到场（开放后分钟）"),
    "wait.door_to_swab.mean_min": ("From setting out to the swab, mean (min)", "从出发到采样平均（分钟）"),
    "wait.door_to_swab.p95_min": (
        "From setting out to the swab, 95th percentile (min)",
        "从出发到采样 95% 不超过（分钟）",
    ),
    "wait.door_to_swab.max_min": ("From setting out to the swab, longest (min)", "从出发到采样最长（分钟）"),
    "time.to_site.mean_min": ("From setting out to reaching the site, mean (min)", "从出发到到场平均（分钟）"),
    "wait.gate.mean_min": ("Queue at the gate on the way, mean (min)", "途经卡口平均排队（分钟）"),
    "stations.open": ("Stations opened (staffed)", "开放（有人值守）的采样台"),
    "throughput.per_hour": ("Swabs per hour", "每小时采样人数"),
    "time.completion_min": ("Last swab, minutes after opening", "最后一人采样完成（开放后分钟）"),
    "wait.total.mean_min": ("Wait, mean (min)", "平均等候（分钟）"),
    "wait.total.p95_min": ("Wait, 95th percentile (min)", "95% 的人等候不超过（分钟）"),
    "wait.total.max_min": ("Wait, longest (min)", "最长等候（分钟）"),
    "wait.entry_check.mean_min": ("Wait at entry check, mean (min)", "入口核验平均等候（分钟）"),
    "wait.sampling.mean_min": ("Wait for a station, mean (min)", "等候采样台平均时间（分钟）"),
    "time.in_site.mean_min": ("Time on site, mean (min)", "在场平均时间（分钟）"),
    "zone.waiting.peak": ("Waiting zone, peak (people)", "等候区峰值人数"),
    "zone.waiting.mean": ("Waiting zone, average (people)", "等候区平均人数"),
    "zone.outside.peak": ("Queue outside, peak (people)", "场外排队峰值人数"),
    "zone.isolation.peak": ("Isolation zone, peak (people)", "隔离区峰值人数"),
    "isolation.wait.max_min": ("Longest wait for an isolation place (min)", "等候隔离位最长时间（分钟）"),
    "stations.utilization": ("Station utilisation (0-1)", "采样台利用率（0-1）"),
    "samples.tubes": ("Tubes", "采样管数"),
    "samples.swabs_per_tube": ("Swabs per tube", "每管拭子数"),
    "samples.age_at_lab.max_min": ("Sample age at the lab, oldest (min)", "送达实验室时样本最长存放（分钟）"),
    "samples.age_at_lab.mean_min": ("Sample age at the lab, mean (min)", "送达实验室时样本平均存放（分钟）"),
    "samples.age_at_lab.p95_min": (
        "Sample age at the lab, 95th percentile (min)",
        "95% 的样本送达前存放不超过（分钟）",
    ),
    "samples.over_limit": ("Tubes over the room-temperature limit", "超过常温存放时限的采样管"),
    "samples.not_delivered": ("Tubes not delivered to the lab", "未送达实验室的采样管"),
    "samples.result.p95_min": ("Swab to result, 95th percentile (min)", "95% 的样本从采样到出结果不超过（分钟）"),
    "samples.result.max_min": ("Swab to result, longest (min)", "从采样到出结果最长（分钟）"),
    "samples.last_result_min": ("Last result, minutes after opening", "最后一个结果（开放后分钟）"),
    "lab.utilization": ("Lab utilisation (0-1)", "实验室利用率（0-1）"),
    "courier.trips": ("Courier trips", "转运趟数"),
    "stations.closed_min": ("Station time closed for staff changes (station-min)", "采样台因换班关闭时间（台·分钟）"),
    "entry.closed_min": ("Entry lane time closed (lane-min)", "入口通道关闭时间（通道·分钟）"),
    "staff.ppe_hours": ("Hours in protective equipment (all staff)", "全体人员穿防护服时长（小时）"),
    "staff.rotations": ("Staff changes at posts", "岗位换班次数"),
    "buffer.wait.max_min": ("Longest wait for a buffer-zone place (min)", "等候缓冲区更衣位最长（分钟）"),
    "staff.warnings": ("Staffing warnings", "人员配置警告"),
    "recall.positives": ("Positive people", "阳性人数"),
    "recall.pools": ("Positive pooled tubes", "阳性混采管数"),
    "recall.retests": ("Single-tube retests", "单管复核人数"),
    "recall.confirmed": ("Positives confirmed by single tube", "单管复核确认人数"),
    "recall.confirmed.max_min": ("First swab to confirmed positive, longest (min)", "从初次采样到单管确认最长（分钟）"),
    "doorstep.people": ("People swabbed at home", "上门采样人数"),
    "doorstep.last_min": ("Last home swab, minutes after opening", "最后一户上门采样完成（开放后分钟）"),
    # city round
    "sites.count": ("Sites", "采样点数"),
    "sites.done_by_deadline.share": ("Share of sites done by the deadline", "按时完成的采样点比例"),
    "people.done_by_deadline.share": ("Share of people swabbed by the deadline", "按时完成采样的人数比例"),
    "time.completion.p50_min": ("Median site's last swab, minutes after opening", "采样点完成时间中位数（开放后分钟）"),
    "wait.site_p95.max_min": ("Worst site's 95th-percentile wait (min)", "各采样点 95% 等候时间的最大值（分钟）"),
    "lab.backlog.peak": ("Lab backlog, peak (tubes)", "实验室积压峰值（管）"),
    "lab.last_result_min": ("Last lab result, minutes after opening", "最后一个检测结果（开放后分钟）"),
}

TEXT: dict[str, tuple[str, str]] = {
    # document
    "title": ("Testing drill report", "核酸检测演练报告"),
    "scenario": ("Scenario", "场景"),
    "generated": ("Report built", "报告生成"),
    "run_created": ("Simulation run", "模拟运行"),
    "contents": ("Contents", "目录"),
    "sec_summary": ("Summary", "结论摘要"),
    "sec_inputs": ("Inputs that matter", "关键输入"),
    "sec_site": ("The site", "场地示意"),
    "sec_kpis": ("Results", "结果指标"),
    "sec_figures": ("Over the day", "全天变化"),
    "sec_bottleneck": ("Bottleneck", "瓶颈"),
    "sec_recommend": ("Recommendations", "建议"),
    "sec_method": ("How it was computed", "计算方法"),
    "sec_appendix": ("Appendix: all other measures", "附录：其他指标"),
    # headline tiles
    "tile_swabbed": ("swabbed, of {arrived} who came", "人完成采样（到场 {arrived} 人）"),
    "tile_unswabbed": ("left unswabbed, of {due} who set out", "人漏采（共 {due} 人出发）"),
    "tile_worst": ("longest wait, setting out to swab", "从出发到采样最长等候"),
    "tile_last": ("last swab (mean)", "最后一人完成采样（均值）"),
    "tile_mean": ("mean wait", "平均等候"),
    "tile_p95": ("95% wait at most", "95% 的人等候不超过"),
    "min": ("min", "分钟"),
    "subtitle": ("Simulation of a community nucleic-acid testing session", "社区核酸检测采样点模拟"),
    "page_note": (
        "Built from saved simulation results; every number is a mean over replications unless stated.",
        "根据已保存的模拟结果生成；除特别说明外，数字均为多次重复运行的均值。",
    ),
    # summary: the verdict and the five lines
    "head_met": (
        "The plan meets its aims: all {n} are met, and everyone who set out is swabbed in every replication.",
        "方案达成全部目标：{n} 项目标均达成，且每次运行中所有出发的人都完成了采样。",
    ),
    "head_not_met": (
        "The plan does not meet its aims: {k} of {n} not met — {aims}.",
        "方案未达成目标：{n} 项中有 {k} 项未达成——{aims}。",
    ),
    "head_risk": (
        "The plan meets the {n} aims it sets, but not with room to spare: {risks}.",
        "方案达成所设的 {n} 项目标，但余量不足：{risks}。",
    ),
    "risk_deadline": (
        "{n} of {of} replications miss {target} (the slowest at {worst})",
        "{of} 次运行中有 {n} 次未达成 {target}（最慢一次 {worst}）",
    ),
    "risk_unswabbed": (
        "people are left unswabbed in {n} of {of} replications (up to {worst})",
        "{of} 次运行中有 {n} 次有人未完成采样（最多 {worst} 人）",
    ),
    "risk_unswabbed_some": ("some people are left unswabbed", "有人未完成采样"),
    "aim_everyone": ("Nobody who set out left unswabbed (default aim)", "出发的人无一漏采（默认目标）"),
    "rec_not": ("not: {what}", "取消：{what}"),
    "aim_value_ci": ("{mean} (95% interval {low} to {high})", "{mean}（95% 区间 {low} 至 {high}）"),
    "v_met": ("met", "达成"),
    "v_missed": ("missed", "未达成"),
    "v_uncertain": ("uncertain", "不确定"),
    "v_undefined": ("no value", "无数值"),
    "v_unknown": ("unknown measure", "未知指标"),
    "sep": ("; ", "；"),
    "cov_none": ("Nobody set out.", "无人出发。"),
    "cov_all": (
        "Everyone who set out is swabbed in all {n} replications ({sampled} people on average).",
        "全部 {n} 次运行中所有出发的人都完成了采样（平均 {sampled} 人）。",
    ),
    "cov_left": (
        "Not everyone who set out is swabbed: {left} people on average are left unswabbed (up to {worst} in one "
        "replication; coverage {share}, {sampled} swabbed). Why: {causes}.",
        "并非所有出发的人都完成了采样：平均 {left} 人漏采（单次运行最多 {worst} 人；覆盖率 {share}，完成采样 {sampled} 人）。"
        "原因：{causes}。",
    ),
    "cause_set_out_late": (
        "{n} set out too late to arrive before admissions stopped",
        "{n} 人出发太晚，赶不上停止入场前到场",
    ),
    "cause_delayed": (
        "{n} were held up at a gate until too late, or held there",
        "{n} 人在卡口排队耽搁或被留置，未能及时到场",
    ),
    "cause_turned_away": ("{n} were turned away at a full waiting zone", "{n} 人因等候区满被劝返"),
    "cause_hard_stop": ("{n} were still waiting when service ended", "{n} 人在停止服务时仍在等候"),
    "last_none": ("Nobody was swabbed.", "无人完成采样。"),
    "last_swab": (
        "The last swab is at {last} on average (95% interval {low} to {high}; the slowest replication {worst})",
        "最后一人平均在 {last} 完成采样（95% 区间 {low} 至 {high}；最慢一次 {worst}）",
    ),
    "last_no_deadline": ("; admissions stop at {close}, and no deadline is set.", "；{close} 停止入场，未设完成时限。"),
    "last_deadline": ("; the deadline is {deadline}: {word}.", "；完成时限为 {deadline}：{word}。"),
    "wait_none": ("Nobody was swabbed, so there is no wait to report.", "无人完成采样，无等候时间。"),
    "from_home": ("leaving home", "离家"),
    "from_arrival": ("arriving", "到场"),
    "wait_worst": (
        "The longest wait from {start} to the swab is {mean} minutes on average ({worst} in the worst replication); "
        "95% of people wait at most {p95} minutes.",
        "从{start}到采样的最长等候平均为 {mean} 分钟（最差一次 {worst} 分钟）；95% 的人不超过 {p95} 分钟。",
    ),
    "sec_aims": ("Aims", "目标"),
    "met": ("met", "达成"),
    "missed": ("missed", "未达成"),
    "unknown": ("unknown KPI", "未知指标"),
    "warnings_head": ("Warnings from the checks of the inputs", "输入检查提示"),
    # inputs
    "col_input": ("Input", "输入项"),
    "col_value": ("Value", "取值"),
    "col_source": ("Where the number comes from", "数据来源"),
    "no_source": ("no source given: assumption or default", "未注明来源：假设或默认值"),
    "in_clock": ("Opening hours", "开放时间"),
    "in_arrivals": ("Arrivals", "到场方式"),
    "in_population": ("Population groups", "人群构成"),
    "in_entry": ("Entry check", "入口核验"),
    "in_waiting": ("Waiting zone", "等候区"),
    "in_stations": ("Sampling stations", "采样台"),
    "in_registration": ("Registration time", "登记时间"),
    "in_swab": ("Swab time", "采样时间"),
    "in_isolation": ("Isolation zone", "临时隔离区"),
    "in_buffer": ("Buffer zone", "缓冲区"),
    "in_pooling": ("Pooling", "混采"),
    "in_staff": ("Staff: {role}", "人员：{role}"),
    "in_pauses": ("Disinfection pauses", "消杀暂停"),
    "in_courier": ("Courier (sample transport)", "样本转运"),
    "in_lab": ("Lab capacity", "实验室检测能力"),
    "in_limit": ("Sample age limit", "样本常温存放时限"),
    "v_staff": (
        "{roster} on the roster, {on_duty} on duty; stretches of at most {stretch} min in protective equipment; "
        "{don} + {doff} min changing, {rest} min rest",
        "名册 {roster} 人，同时在岗 {on_duty} 人；每班穿防护服最长 {stretch} 分钟；穿脱 {don} + {doff} 分钟，休息 {rest} 分钟",
    ),
    "v_no_show": ("; {share} do not turn up", "；缺勤率 {share}"),
    "v_pause": ("{at} for {minutes} min", "{at} 起 {minutes} 分钟"),
    "v_courier": ("every {every} min, {travel} one way", "每 {every} 分钟一趟，单程 {travel}"),
    "v_courier_full": ("; also when a box of {box} tubes is full", "；每箱 {box} 管装满时也来取"),
    "v_courier_none": ("no scheduled pickups; {travel} one way", "无定时取样；单程 {travel}"),
    "v_lab_rate": ("{rate} tubes per hour; report {report}", "每小时 {rate} 管；出报告 {report}"),
    "v_lab_batch": (
        "{machines} machines, {batch} tubes per run of {run} min ({rate} tubes per hour at most); report {report}",
        "{machines} 台仪器，每批 {batch} 管、每批 {run} 分钟（每小时最多 {rate} 管）；出报告 {report}",
    ),
    "v_limit": (
        "{minutes} min from the first swab in a tube to the lab",
        "从管内首个拭子采集到送达实验室不超过 {minutes} 分钟",
    ),
    "v_clock": (
        "{open} to {close} ({hours} h); people inside are still served",
        "{open} 至 {close}（{hours} 小时）；场内人员继续采样",
    ),
    "v_hard_stop": ("; service ends at {stop}", "；{stop} 停止服务"),
    "v_callup": (
        "{n} buildings, {residents} residents, called every {interval} min from {start}; turnout {turnout}",
        "{n} 栋楼，{residents} 名居民，自 {start} 起每 {interval} 分钟通知一栋；到场率 {turnout}",
    ),
    "v_callup_timed": (
        "{n} buildings, {residents} residents, called by timetable; turnout {turnout}",
        "{n} 栋楼，{residents} 名居民，按时间表通知；到场率 {turnout}",
    ),
    "v_rate": ("{rate} people per hour (Poisson)", "每小时 {rate} 人（泊松到达）"),
    "v_profile": ("time-varying: {steps}", "分时段到达：{steps}"),
    "v_group": ("{name} {share}", "{name} {share}"),
    "v_priority": ("priority lane", "优先通道"),
    "v_entry": ("{lanes} lanes, {time}; {abnormal} found abnormal", "{lanes} 条通道，{time}；异常比例 {abnormal}"),
    "v_waiting": ("{capacity} places; when full: {when_full}", "{capacity} 个位置；满员时：{when_full}"),
    "v_unlimited": ("unlimited", "不限"),
    "queue_outside": ("queue outside", "场外排队"),
    "turn_away": ("turn away", "劝返"),
    "v_stations": ("{n} stations, one registrar and one sampler each", "{n} 个采样台，每台一名登记员和一名采样员"),
    "v_isolation": ("{capacity} places; stay {stay}", "{capacity} 个位置；停留 {stay}"),
    "v_buffer": ("{capacity} staff changing places", "{capacity} 个更衣位"),
    "v_pooling": ("{size} swabs per tube", "每管 {size} 人"),
    "v_none": ("none", "无"),
    # KPI table
    "col_kpi": ("Measure", "指标"),
    "col_mean": ("Mean", "均值"),
    "col_ci": ("95% interval", "95% 置信区间"),
    "col_range": ("Range over runs", "各次运行范围"),
    "col_target": ("Target", "目标"),
    "kpi_note": (
        "Mean over {n} replications with a Student-t 95% interval for the mean. Rounding: whole numbers and "
        "values of 100 or more without decimals, utilisation to 2 decimals, everything else to 1 decimal. "
        "For skewed measures such as peaks the interval can reach below zero.",
        "{n} 次重复运行的均值及其 t 分布 95% 置信区间。取整规则：整数及 100 以上的数不保留小数，利用率保留 2 位小数，"
        "其余保留 1 位小数。峰值等偏态指标的区间下限可能小于零。",
    ),
    # figures
    "fig_site": ("Site layout and flow (schematic, not to scale)", "场地布局与人员流线（示意，不按比例）"),
    "fig_occupancy": ("People in each zone over the day", "各区域人数随时间变化"),
    "fig_progress": ("People called, arrived and swabbed", "通知、到场与完成采样人数"),
    "fig_waits": ("Wait from arrival to swab, per replication", "从到场到采样的等候时间（每次运行）"),
    "fig_utilisation": ("Sampling stations in use", "采样台使用情况"),
    "fig_sample_age": ("Sample age at the lab", "样本送达实验室时的存放时间"),
    "fig_staff": ("Staff rotation", "人员轮换"),
    "fig_gates": ("Queues at residence gates", "小区卡口排队"),
    "fig_caption_occupancy": (
        "Lines: mean over replications; shaded: the highest value in any replication. Dashed: capacity.",
        "实线为各次运行的均值；阴影为任一次运行的最大值；虚线为容量。",
    ),
    "fig_caption_utilisation": (
        "Left: people at the stations (one being registered, one being swabbed per station at most); line: mean "
        "over replications, shaded: highest. Right: station utilisation of each replication; dashed red: 0.9, "
        "taken as saturated.",
        "左：采样台处人数（每台最多一人登记、一人采样）；实线为均值，阴影为最高值。右：每次运行的采样台利用率；红色虚线 0.9 视为饱和。",
    ),
    "fig_caption_gates": (
        "People queuing at each residence gate (卡口): mean over replications, the highest value in each 10 minutes.",
        "各小区卡口排队人数：各次运行均值，每 10 分钟取最高值。",
    ),
    "fig_caption_staff": (
        "Replication 1 of the run (staff.csv). Each row is one person on the roster: on duty at post #, changing "
        "in the buffer zone, waiting for a changing place, resting. Below, where any: when a post was closed, and why. "
        "Dotted: admissions stop.",
        "本次运行第 1 次重复（staff.csv）。每行一名排班人员：在岗（# 为岗位号）、在缓冲区穿脱防护服、等候更衣位、休息。"
        "下方（如有）为岗位关闭的时间及原因。点线为停止入场时间。",
    ),
    "fig_caption_sample_age": (
        "Above: each dot is one replication's value (replications.csv), the box spans the middle half; dashed red: "
        "the room-temperature limit and targets. Below: the courier's trips in replication 1 (courier.csv), with "
        "the tubes carried; dotted: admissions stop.",
        "上：每个点为一次运行的数值（replications.csv），箱体为中间一半的运行；红色虚线为常温存放时限和目标。"
        "下：第 1 次运行中转运人员的各趟行程（courier.csv）及所载采样管数；点线为停止入场时间。",
    ),
    "fig_caption_waits": (
        "Each dot is one replication; the box spans the middle half, the bar is the median.",
        "每个点为一次运行；箱体为中间一半的运行，横线为中位数。",
    ),
    # figure labels
    "ax_clock": ("Time of day", "时间"),
    "ax_people": ("People", "人数"),
    "ax_minutes": ("Minutes", "分钟"),
    "ax_queue": ("People queuing (highest in 10 min)", "排队人数（10 分钟内最高）"),
    "lbl_waiting": ("Waiting zone", "等候区"),
    "lbl_outside": ("Queue outside", "场外排队"),
    "lbl_entry_queue": ("Entry-check queue", "入口核验排队"),
    "lbl_isolation": ("Isolation zone", "隔离区"),
    "lbl_capacity": ("capacity {n}", "容量 {n}"),
    "lbl_called": ("Called", "已通知"),
    "lbl_arrived": ("Arrived", "已到场"),
    "lbl_sampled": ("Swabbed", "已采样"),
    "lbl_close": ("Admissions stop", "停止入场"),
    "lbl_mean_wait": ("Mean", "平均"),
    "lbl_p95_wait": ("95th pct.", "95 分位"),
    "lbl_max_wait": ("Longest", "最长"),
    "lbl_target": ("target {v:g}", "目标 {v:g}"),
    "lbl_at_stations": ("People at the stations", "采样台处人数"),
    "lbl_station_count": ("{n} stations", "{n} 个采样台"),
    "lbl_station_places": ("{n} places (registrar + sampler)", "{n} 个位置（登记 + 采样）"),
    "lbl_utilisation": ("Utilisation per run", "每次运行利用率"),
    "lbl_limit": ("limit {v:g} min", "上限 {v:g} 分钟"),
    "lbl_replication": ("replications", "运行次数"),
    "lbl_age_p95": ("Age at lab, 95% of tubes", "送达时存放（95% 管）"),
    "lbl_age_max": ("Age at lab, oldest tube", "送达时存放（最久一管）"),
    "lbl_result_p95": ("Swab to result, 95%", "采样到结果（95%）"),
    "ax_minutes_swab": ("Minutes since the first swab in the tube", "自管内首个拭子采集起的分钟数"),
    "lbl_tubes": ("{n} tubes", "{n} 管"),
    "lbl_courier": ("Courier", "转运"),
    "lbl_to_lab": ("to the lab, loaded", "送往实验室"),
    "lbl_back": ("back to the site", "返回采样点"),
    "st_duty": ("on duty", "在岗"),
    "st_change": ("changing (buffer zone)", "缓冲区穿脱"),
    "st_wait": ("waiting for a changing place", "等候更衣位"),
    "st_rest": ("resting", "休息"),
    "cause_rotation": ("staff change", "换班"),
    "cause_pause": ("disinfection pause", "消杀暂停"),
    "cause_absent": ("nobody to staff it", "无人在岗"),
    "lbl_closed": ("Post closed:", "岗位关闭："),
    "lbl_post": ("#{n}", "#{n}"),
    "lbl_station_n": ("Station {n}", "采样台 {n}"),
    "lbl_entry_lane": ("Entry lane {n}", "入口通道 {n}"),
    "lbl_beat": ("Marshal post {n}", "引导岗 {n}"),
    # the replay beside the report (sim/replay)
    "replay_link": ("Watch the day (replay.html)", "观看现场回放（replay.html）"),
    "replay_note": (
        "an animated replay of one simulated day on this site's layout; it opens in a browser without "
        "internet, and a link such as replay.html#t=09:30 opens it at that moment",
        "在本场地布局上动画回放一个模拟日，无需联网即可在浏览器中打开；链接 replay.html#t=09:30 可直接打开该时刻",
    ),
    # schematic
    "sch_entrance": ("Entrance", "入口"),
    "sch_entry": ("Entry check", "入口核验"),
    "sch_entry_sub": ("temperature,\nhealth code", "测温、验码"),
    "sch_lanes": ("{n} lanes", "{n} 条通道"),
    "sch_waiting": ("Waiting zone", "等候区"),
    "sch_waiting_sub": ("1 m spacing", "一米间距"),
    "sch_capacity": ("capacity {n}", "容量 {n}"),
    "sch_stations": ("Sampling zone", "采样区"),
    "sch_station": ("Station", "采样台"),
    "sch_stations_sub": ("{n} stations\nregistrar + sampler", "{n} 个采样台\n登记 + 采样"),
    "sch_exit": ("Exit", "出口"),
    "sch_buffer": ("Buffer zone\n(staff only)", "缓冲区\n（仅工作人员）"),
    "sch_isolation": ("Temporary\nisolation zone", "临时隔离区"),
    "sch_outside": ("Queue\noutside", "场外\n排队"),
    "sch_places": ("{n} places", "{n} 个位置"),
    "sch_abnormal": ("fever / code", "发热 / 异常码"),
    "sch_oneway": ("one-way flow", "单向流动"),
    # bottleneck
    "bn_stations": (
        "The sampling stations are the bottleneck: they are busy {util} of the time on average, and people wait "
        "for a free station (so every station is busy) during {busy_min} minutes of the day, on average over "
        "replications.",
        "采样台是瓶颈：平均利用率 {util}；按各次运行平均，全天有 {busy_min} 分钟有人在等候空闲采样台（即所有采样台都在忙）。",
    ),
    "bn_zone_full": (
        "The waiting zone fills up: it reaches its {capacity} places in {full_reps} of {n} replications ({peak} "
        "people at the peak on average), and some replication has it full during {full_min} minutes of the day.",
        "等候区会满员：{n} 次运行中有 {full_reps} 次达到 {capacity} 个位置（平均峰值 {peak} 人），"
        "全天共有 {full_min} 分钟至少一次运行处于满员。",
    ),
    "bn_outside": (
        "People queue outside the site in {queued_reps} of {n} replications ({peak} people at the peak on average, "
        "{max} in the worst); some replication has a queue outside during {minutes} minutes, between {first} and {last}.",
        "{n} 次运行中有 {queued_reps} 次出现场外排队（平均峰值 {peak} 人，最多 {max} 人）；"
        "全天共有 {minutes} 分钟至少一次运行有人在场外排队，时间在 {first} 至 {last} 之间。",
    ),
    "bn_entry": (
        "The entry check also holds people up: {entry} minutes on average there against {sampling} minutes "
        "waiting for a station.",
        "入口核验也造成等候：平均 {entry} 分钟，而等候采样台平均 {sampling} 分钟。",
    ),
    "bn_isolation": (
        "The isolation zone is full at times ({peak} people at the peak on average, {capacity} places); the longest "
        "wait for a place is {wait} minutes on average.",
        "临时隔离区有时满员（平均峰值 {peak} 人，{capacity} 个位置）；等候隔离位最长平均 {wait} 分钟。",
    ),
    "bn_gates": (
        "At the residence gates (卡口) the longest 95th-percentile wait is at gate {gate}: {p95} minutes "
        "({n} gates; {all} minutes over all gates).",
        "小区卡口中 95% 等候时间最长的是 {gate}：{p95} 分钟（共 {n} 个卡口；全部卡口合计 {all} 分钟）。",
    ),
    "bn_closed": (
        "Staff changes close stations for {closed} station-minutes on average ({share} of the station time from "
        "opening to the last swab){rotations}.",
        "换班使采样台平均关闭 {closed} 台·分钟（占从开放到最后一人采样完成期间采样台时间的 {share}）{rotations}。",
    ),
    "bn_closed_none": (
        "Staff changes close no station: a dressed relief is ready at each of the {n} changes at posts.",
        "换班未造成采样台关闭：{n} 次岗位换班时均有已穿好防护服的接班人员就位。",
    ),
    "bn_closed_rot": ("; {n} changes at posts", "；岗位换班 {n} 次"),
    "bn_buffer": (
        "Staff wait up to {wait} minutes for a changing place in the buffer zone (places: {capacity}).",
        "工作人员等候缓冲区更衣位最长 {wait} 分钟（{capacity} 个更衣位）。",
    ),
    "bn_over_limit": (
        "Samples: {over} tubes on average reach the lab after the {limit}-minute room-temperature limit "
        "(in {reps} of {n} replications); the oldest tube is {max} minutes old at the lab on average. "
        "Courier every {every} minutes.",
        "样本：平均 {over} 管送达实验室时超过 {limit} 分钟常温存放时限（{n} 次运行中 {reps} 次出现）；"
        "最久一管送达时平均已存放 {max} 分钟。转运间隔 {every} 分钟。",
    ),
    "bn_age_ok": (
        "Samples: every tube reaches the lab within the {limit}-minute limit in every replication (oldest: {max} "
        "minutes on average, {worst} at worst).",
        "样本：每次运行中所有采样管都在 {limit} 分钟时限内送达实验室（最久一管平均 {max} 分钟，最差 {worst} 分钟）。",
    ),
    "bn_binding": (
        "The binding constraint: {named}. The change that relieves it: {relief}.",
        "制约因素：{named}。缓解办法：{relief}。",
    ),
    "bn_binding_one": ("{stage} (for {aims})", "{stage}（影响 {aims}）"),
    "bn_nearest": (
        "No stage binds: every aim is met. The stage nearest its limit is {stage}.",
        "没有制约环节：所有目标均达成。最接近极限的环节是{stage}。",
    ),
    "bn_method": (
        "How it was chosen: each aim not met is traced to the stage that binds it. A wait goes to the stage where "
        "people queue longest (gate, entry check or station); the last swab to the stations when they are busy at "
        "least 85% of the time, else to the call-up; people left unswabbed to their largest cause; sample age to "
        "the courier; results to the lab when it is busy at least 85% of the time, else to the courier. A station "
        "queue is the staff's when posts stay unopened or closed for at least 5% of the station time.",
        "判定方法：每项未达成的目标归因于制约它的环节。等候归因于排队最久的环节（卡口、入口核验或采样台）；"
        "最后采样时间在采样台利用率不低于 85% 时归因于采样台，否则归因于通知安排；漏采归因于人数最多的原因；"
        "样本存放时间归因于转运；检测结果在实验室利用率不低于 85% 时归因于实验室，否则归因于转运。"
        "若有岗位未开放或因换班关闭超过采样台时间的 5%，采样台排队归因于人员配置。",
    ),
    "col_stage": ("Stage", "环节"),
    "col_measures": ("What the numbers show (means over replications)", "数据表现（各次运行均值）"),
    "stage_gates": ("the residence gates", "小区卡口"),
    "stage_entry": ("the entry check", "入口核验"),
    "stage_waiting_zone": ("the waiting zone", "等候区"),
    "stage_stations": ("the sampling stations", "采样台"),
    "stage_staff": ("the staff roster (posts closed or never opened)", "人员配置（岗位关闭或未开放）"),
    "stage_buffer": ("the buffer zone", "缓冲区"),
    "stage_callup": ("the call-up and the opening hours", "通知安排与开放时间"),
    "stage_courier": ("the courier", "样本转运"),
    "stage_lab": ("the lab", "实验室"),
    "stage_doorstep": ("the door-to-door teams", "上门采样小组"),
    "relief_gates": ("more checker lanes at the gates", "卡口增加核验通道"),
    "relief_entry": ("an entry-check lane with its checkers", "增加一条入口核验通道及人员"),
    "relief_waiting_zone": ("a larger waiting zone", "扩大等候区"),
    "relief_stations": ("a station with its sampler and registrar", "增加采样台及其采样员、登记员"),
    "relief_staff": ("rosters that keep every post staffed through rotations", "按轮换需要配足人员"),
    "relief_buffer": ("more changing places", "增加更衣位"),
    "relief_callup": ("calling buildings sooner or keeping admissions open longer", "提前通知或延长入场时间"),
    "relief_courier": ("the courier coming for a full box, or more often", "满箱即转运或提高转运频次"),
    "relief_lab": ("more lab capacity or larger pools", "提高实验室检测能力或扩大混采"),
    "relief_doorstep": ("another door-to-door team", "增加上门采样小组"),
    "st_gates": (
        "people swabbed queue {queue} min at their gate on the way; the worst gate is {gate} (95th-percentile wait "
        "{p95} min); {delayed} people were held up until too late, {held} held at a gate",
        "完成采样者途经卡口平均排队 {queue} 分钟；最拥堵卡口为 {gate}（95% 等候 {p95} 分钟）；{delayed} 人因耽搁未能及时到场，"
        "{held} 人被留在卡口",
    ),
    "st_entry": ("{queue} min queue on average; {lanes} lanes", "平均排队 {queue} 分钟；{lanes} 条通道"),
    "st_zone": (
        "peak {peak} of {capacity} places; {outside} queue outside at the peak; {turned} turned away",
        "峰值 {peak} 人（共 {capacity} 个位置）；场外排队峰值 {outside} 人；{turned} 人被劝返",
    ),
    "st_stations": (
        "{queue} min queue for a station on average; busy {util} of the time; {open} of {stations} open",
        "等候采样台平均 {queue} 分钟；利用率 {util}；{stations} 个中开放 {open} 个",
    ),
    "st_staff": (
        "{unopened} stations not opened (too few staff to rotate); {closed} station-minutes closed for changes ({share})",
        "{unopened} 个采样台因人员不足未开放；换班关闭 {closed} 台·分钟（{share}）",
    ),
    "st_buffer": (
        "staff wait up to {wait} min for one of {capacity} changing places",
        "工作人员等候更衣位最长 {wait} 分钟（{capacity} 个更衣位）",
    ),
    "st_callup": (
        "{late} people set out too late to arrive before admissions stopped; the last arrival at {last}",
        "{late} 人出发太晚，赶不上停止入场；最后一人 {last} 到场",
    ),
    "st_courier": (
        "{over} tubes over the {limit}-min limit at the lab; the oldest {age} min",
        "{over} 管送达时超过 {limit} 分钟时限；最久 {age} 分钟",
    ),
    "st_lab": (
        "busy {util} of the time; 95% of results within {p95} min of the swab",
        "利用率 {util}；95% 的结果在采样后 {p95} 分钟内出具",
    ),
    "st_doorstep": ("{teams} team(s); the last home swab at {last}", "{teams} 个小组；最后一户上门采样 {last}"),
    # recommendations
    "rec_intro": (
        "Each change below relieves a binding constraint and was run with the same seed and replications as the "
        "plan (common random numbers), so the differences are not noise. Stations and lanes come with the staff "
        "they need.",
        "以下每项调整针对一个制约因素，并用与原方案相同的随机种子和重复次数运行（共同随机数），差异并非随机波动。"
        "增加的采样台和通道均配齐所需人员。",
    ),
    "rec_change": ("{what} {old} → {new}", "{what} {old} → {new}"),
    "rec_gates": ("{lanes} more checker lanes over the {n} gates", "{n} 个卡口共增加 {lanes} 条核验通道"),
    "rec_outcome": (
        "Aims met: {met} of {n}. Left unswabbed {left_old} → {left_new}; 95th-percentile wait {p95_old} → {p95_new} "
        "min; last swab {last_old} → {last_new}.",
        "达成目标：{met} / {n}。漏采 {left_old} → {left_new} 人；95% 等候 {p95_old} → {p95_new} 分钟；"
        "最后采样 {last_old} → {last_new}。",
    ),
    "rec_people": ("{n} people", "{n} 人"),
    "rec_no_people": ("no extra people", "无需增加人员"),
    "rec_staff": ("Staff for the plan: {staff}.", "方案所需人员：{staff}。"),
    "rec_best": (
        "Recommended: {change} ({cost}) — the smallest of the {n} changes tried that meets every aim.",
        "建议：{change}（{cost}）——在所试 {n} 项调整中，满足全部目标的最小调整。",
    ),
    "rec_base_ok": (
        "The plan as it stands meets every aim; the changes show the margin that extra resources would buy.",
        "现方案已达成全部目标；以下结果显示增加资源能换来的余量。",
    ),
    "rec_none_meets": (
        "None of the {n} changes tried meets every aim. The closest is {change}, which still misses: {still}.",
        "所试 {n} 项调整均未能达成全部目标。最接近的是：{change}，仍未达成：{still}。",
    ),
    "rec_missing": (
        "No variant runs are saved with these results, so no change is recommended. The command "
        "“drill run SCENARIO.yaml --report” runs the changes that relieve the bottleneck with common random numbers.",
        "结果中没有保存方案对比运行，因此不提出调整建议。命令“drill run 场景文件 --report”会用共同随机数测试缓解瓶颈的调整。",
    ),
    "rec_stale": (
        "The saved variant runs do not match these results (different seed or replications), so they are not used.",
        "保存的方案对比运行与本结果不一致（随机种子或重复次数不同），未予采用。",
    ),
    # method
    "m_replications": ("Replications", "重复运行次数"),
    "m_seed": ("Seed", "随机种子"),
    "m_version": ("Simulator version", "模拟器版本"),
    "m_file": ("Scenario file", "场景文件"),
    "m_created": ("Run at", "运行时间"),
    "m_sanity": (
        "Offered load per station",
        "每个采样台的负荷",
    ),
    "m_sanity_v": (
        "{load} ({arrival}/h arriving on average; stations can do about {capacity}/h)",
        "{load}（平均每小时到达 {arrival} 人；采样台每小时约可采 {capacity} 人）",
    ),
    "m_assumptions": ("Model assumptions", "模型假设"),
    "m_a1": (
        "Discrete-event simulation (simpy): each person walks in, is checked at the entrance, waits in the waiting "
        "zone (or outside when it is full), is registered and swabbed at the first free station, and leaves by the exit.",
        "离散事件仿真（simpy）：每人入场、入口核验、在等候区等候（满员则场外排队），在空闲采样台登记、采样后由出口离开。",
    ),
    "m_a2": (
        "People found abnormal at the entry check go to the temporary isolation zone and are not swabbed at the site.",
        "入口核验发现异常者转入临时隔离区，不在现场采样。",
    ),
    "m_a3": (
        "Admissions stop when the session closes; people already inside are still served.",
        "到点停止入场；场内人员继续完成采样。",
    ),
    "m_a4": (
        "Times are in minutes; each replication uses its own random streams derived from the seed, and changed "
        "plans reuse the same streams (common random numbers).",
        "时间单位为分钟；每次运行使用由种子派生的独立随机流，方案对比复用相同随机流（共同随机数）。",
    ),
    "m_a5": (
        "Numbers without a source in the table of inputs are planning assumptions, not measurements.",
        "输入表中未注明来源的数字为规划假设，并非实测。",
    ),
    "files": ("Files", "文件"),
    # city round
    "c_title": ("City testing round report", "全市核酸检测轮次报告"),
    "c_subtitle": (
        "Simulation of a city-wide nucleic-acid testing round: many sites sharing the labs",
        "全市全员核酸检测轮次模拟：众多采样点共用实验室",
    ),
    "c_sec_figures": ("Over the round", "轮次进展"),
    "c_next_day": ("{clock} next day", "次日 {clock}"),
    "c_day_n": ("{clock} on day {day}", "第 {day} 日 {clock}"),
    "c_verdict_ok": (
        "Every site finishes by the deadline ({deadline}) on average over the replications.",
        "按各次运行平均，所有采样点都能在时限（{deadline}）前完成。",
    ),
    "c_verdict_late": (
        "Not every site finishes by the deadline ({deadline}): {share} of the sites are late on average.",
        "并非所有采样点都能在时限（{deadline}）前完成：平均 {share} 的采样点超时。",
    ),
    "c_verdict_none": ("No share of sites done by the deadline was saved.", "结果中没有按时完成的采样点比例。"),
    "c_sum_done": (
        "{sites} of the {n} sites and {people} of the people are done by the deadline ({deadline}); {sampled} of "
        "{arrived} people who came were swabbed.",
        "{n} 个采样点中 {sites} 按时（{deadline}）完成，{people} 的人按时完成采样；到场 {arrived} 人，完成采样 {sampled} 人。",
    ),
    "c_sum_times": (
        "Swabbing stops admitting at {close}; the median site has its last swab at {median}, the last site at {last}.",
        "{close} 停止入场；采样点完成时间中位数为 {median}，最后一个采样点在 {last} 完成。",
    ),
    "c_latest": (
        "The last site to finish (replication 1) is {name} (template {template}, district: {district}; {stations} "
        "stations, {population} residents) at {at}: {why}.",
        "最后完成的采样点（第 1 次运行）为 {name}（模板 {template}，区域：{district}；{stations} 个采样台，{population} 名居民），"
        "于 {at} 完成：{why}。",
    ),
    "c_site_n": ("site {n}", "第 {n} 号采样点"),
    "c_sep": ("; ", "；"),
    "c_why_load": (
        "{n} residents per station against a city median of {median}",
        "每个采样台 {n} 名居民，全市中位数为 {median}",
    ),
    "c_why_busy": ("its stations were busy {util} of the time", "其采样台利用率 {util}"),
    "c_why_chance": (
        "its load is typical; its queue grew by random bunching of arrivals",
        "负荷属一般水平，排队来自到达的随机聚集",
    ),
    "c_sum_lab": (
        "The labs' backlog peaks at {peak} tubes waiting; the last result is out at {last}.",
        "实验室积压峰值 {peak} 管；最后一个结果于 {last} 出具。",
    ),
    "c_sum_over": (
        "{over} tubes reach the lab after the {limit}-minute room-temperature limit (oldest: {max} minutes).",
        "{over} 管送达实验室时超过 {limit} 分钟常温存放时限（最久 {max} 分钟）。",
    ),
    "c_sum_age_ok": (
        "Every tube reaches the lab within the {limit}-minute room-temperature limit (oldest: {max} minutes).",
        "所有采样管均在 {limit} 分钟常温存放时限内送达实验室（最久 {max} 分钟）。",
    ),
    "c_next_day_short": ("next day", "次日"),
    "c_day_n_short": ("day {day}", "第 {day} 日"),
    "c_tile_sites": ("of sites done by the deadline", "的采样点按时完成"),
    "c_tile_last": ("last site finishes", "最后一个采样点完成"),
    "c_tile_lab": ("last lab result", "最后一个检测结果"),
    "c_in_deadline": ("Deadline", "完成时限"),
    "c_v_deadline": ("every site done within {hours} h of opening ({at})", "开放后 {hours} 小时内（{at}）全部完成"),
    "c_v_clock": ("{open} to {close} ({hours} h)", "{open} 至 {close}（{hours} 小时）"),
    "c_in_sites": ("Sites: {template}", "采样点：{template}"),
    "c_v_sites": (
        "{count} sites of {stations} stations, {population} residents each (district: {district}); swab {swab}; "
        "{pool} swabs per tube; turnout {turnout}",
        "{count} 个采样点，每点 {stations} 个采样台、{population} 名居民（区域：{district}）；采样 {swab}；每管 {pool} 人；"
        "到场率 {turnout}",
    ),
    "c_in_lab": ("Lab: {name}", "实验室：{name}"),
    "c_v_lab": (
        "{per_hour} tubes an hour (about {per_day} a day); result {turnaround} h after processing starts",
        "每小时 {per_hour} 管（每天约 {per_day} 管）；开始检测后 {turnaround} 小时出结果",
    ),
    "c_v_limit": (
        "{minutes} min from the first swab in a tube to the lab",
        "从管内首个拭子采集到送达实验室不超过 {minutes} 分钟",
    ),
    "c_kpi_note": (
        "Mean over {n} replication(s) with a Student-t 95% interval for the mean (none with one replication). "
        "Rounding: whole numbers and values of 100 or more without decimals, utilisation to 2 decimals, shares "
        "(0-1) to 3 decimals, everything else to 1 decimal. Times in minutes after opening.",
        "{n} 次重复运行的均值及其 t 分布 95% 置信区间（仅一次运行时无区间）。取整规则：整数及 100 以上的数不保留小数，"
        "利用率保留 2 位小数，比例（0-1）保留 3 位小数，其余保留 1 位小数。时间为开放后分钟数。",
    ),
    "c_fig_cumulative": ("People swabbed by hour, against the deadline", "各小时累计采样人数与完成时限"),
    "c_fig_backlog": ("Tubes waiting at each lab", "各实验室待检采样管"),
    "c_fig_completion": ("When the sites finish", "各采样点完成时间分布"),
    "c_cap_cumulative": (
        "People swabbed by the end of each hour after opening, all sites together, mean over replications "
        "(hourly.csv). Dashed grey: people who came; dashed red: the deadline.",
        "开放后每小时末全市累计完成采样人数，各次运行均值（hourly.csv）。灰色虚线为到场人数；红色虚线为完成时限。",
    ),
    "c_cap_backlog": (
        "Tubes delivered but not yet processed, every 10 minutes, mean over replications (lab_backlog.csv). "
        "Dash-dot: the last result (mean); dashed red: the deadline.",
        "已送达尚未检测的采样管数，每 10 分钟一点，各次运行均值（lab_backlog.csv）。点划线为最后一个结果（均值）；红色虚线为完成时限。",
    ),
    "c_cap_completion": (
        "Number of sites by the time of their last swab: every site of every replication (sites.csv). Dashed red: "
        "the deadline (named at the right edge when it is later than every site); dotted: admissions stop.",
        "按最后一人采样完成时间统计的采样点数：所有运行的所有采样点（sites.csv）。红色虚线为完成时限（晚于所有采样点时在右缘标注）；"
        "点线为停止入场时间。",
    ),
    "c_ax_tubes": ("Tubes waiting", "待检管数"),
    "c_ax_sites": ("Sites per {width} min", "采样点数（每 {width} 分钟）"),
    "c_lbl_swabbed": ("Swabbed (cumulative)", "累计完成采样"),
    "c_lbl_last_result": ("last result {at}", "最后结果 {at}"),
    "c_lbl_no_backlog": ("no tube waits at any time", "任何时刻都没有待检积压"),
    "c_lbl_came": ("{n} people came", "到场 {n} 人"),
    "c_lbl_deadline": ("deadline {at}", "时限 {at}"),
    "c_a1": (
        "Each site is simulated on its own (discrete-event, simpy) with Poisson arrivals while it is open; sites "
        "share nothing but the labs.",
        "每个采样点独立进行离散事件仿真（simpy），开放期间按泊松过程到达；各点之间仅共用实验室。",
    ),
    "c_a2": (
        "Sealed tubes are collected on the courier's schedule and streamed into the labs, which process tubes "
        "first come first served at their capacity.",
        "封管后的采样管按转运计划送往实验室；实验室按到达先后、以其检测能力处理。",
    ),
    "c_a3": (
        "A site is done by the deadline when its last swab is before the deadline and nobody who came was left unserved.",
        "采样点最后一人在时限前完成且无到场未采者，即视为按时完成。",
    ),
    "c_a4": (
        "Numbers without a source in the table of inputs are planning assumptions, not measurements.",
        "输入表中未注明来源的数字为规划假设，并非实测。",
    ),
    "pdf_missing": (
        "report.pdf not written: install the optional extra (pip install 'drill-sim[pdf]').",
        "未生成 report.pdf：请安装可选组件（pip install 'drill-sim[pdf]'）。",
    ),
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with placeholders filled."""
    text = TEXT[key][LANGS.index(lang)]
    return text.format(**values) if values else text


GATE_KPI_LABELS: dict[str, tuple[str, str]] = {
    "wait.mean_min": ("wait, mean (min)", "平均等候（分钟）"),
    "wait.p95_min": ("wait, 95th percentile (min)", "95% 等候（分钟）"),
    "wait.max_min": ("wait, longest (min)", "最长等候（分钟）"),
    "queue.peak": ("queue, peak (people)", "排队峰值人数"),
    "passed": ("passed", "通过人数"),
    "redirected": ("sent to the site", "引导去采样人数"),
    "referred": ("referred", "转介人数"),
    "held": ("held", "留置人数"),
}


def kpi_label(name: str, lang: str) -> str:
    """A reader's name for a KPI; the KPI's own name where none is known."""
    i = LANGS.index(lang)
    labels = KPI_LABELS.get(name)
    if labels:
        return labels[i]
    if name.startswith("group.") and ".wait.total." in name:
        group, rest = name.removeprefix("group.").split(".wait.total.", 1)
        words = KPI_LABELS.get(f"wait.total.{rest}")
        if words:
            return f"{group}: {words[i]}"
    if name.startswith("checkpoint."):
        for suffix, words in GATE_KPI_LABELS.items():
            if name.endswith("." + suffix):
                gate = name.removeprefix("checkpoint.").removesuffix("." + suffix)
                gate = ("all gates", "全部卡口")[i] if gate == "all" else gate
                return (
                    f"{('Gate', '卡口')[i]} {gate}: {words[i]}"
                    if gate not in ("all gates", "全部卡口")
                    else f"{gate}: {words[i]}"
                )
    return name
