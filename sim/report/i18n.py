"""Words of the report in English and Chinese: headings, labels, sentences with placeholders."""

from __future__ import annotations

LANGS = ("en", "zh")

KPI_LABELS: dict[str, tuple[str, str]] = {
    "people.called": ("People called", "通知人数"),
    "people.arrived": ("People who came", "到场人数"),
    "people.sampled": ("People swabbed", "完成采样人数"),
    "people.turned_away": ("Turned away (zone full)", "因等候区满被劝返"),
    "people.isolated": ("Sent to isolation", "转入临时隔离区"),
    "people.unserved": ("Came after admissions stopped", "停止入场后到达（未采样）"),
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
    "tile_last": ("last swab (mean)", "最后一人完成采样（均值）"),
    "tile_mean": ("mean wait", "平均等候"),
    "tile_p95": ("95% wait at most", "95% 的人等候不超过"),
    "min": ("min", "分钟"),
    "subtitle": ("Simulation of a community nucleic-acid testing session", "社区核酸检测采样点模拟"),
    "page_note": (
        "Built from saved simulation results; every number is a mean over replications unless stated.",
        "根据已保存的模拟结果生成；除特别说明外，数字均为多次重复运行的均值。",
    ),
    # summary
    "verdict_ok": (
        "On average everyone admitted is swabbed by {deadline}, the deadline for the last swab "
        "(slowest of {n} replications: {worst}).",
        "平均而言，所有入场人员都能在最后采样完成时限 {deadline} 前完成采样（{n} 次运行中最慢一次：{worst}）。",
    ),
    "verdict_late": (
        "On average not everyone is swabbed by {deadline}, the deadline for the last swab "
        "(the last swab is at {last} on average).",
        "平均而言，并非所有人都能在最后采样完成时限 {deadline} 前完成采样（最后一人平均在 {last} 完成）。",
    ),
    "verdict_none": (
        "The scenario sets no deadline for the last swab (no time.completion_min target): the times are below.",
        "场景未设定最后采样完成时限（无 time.completion_min 目标）：时间见下文。",
    ),
    "sum_swabbed": (
        "Of {arrived} people who came, {sampled} were swabbed on average; {unserved} came after admissions "
        "stopped at {close}, {isolated} were sent to the isolation zone and {turned_away} were turned away.",
        "平均到场 {arrived} 人，完成采样 {sampled} 人；{unserved} 人在 {close} 停止入场后到达，"
        "{isolated} 人转入临时隔离区，{turned_away} 人因等候区满被劝返。",
    ),
    "sum_completion": (
        "The last swab is done at {last} on average (95% interval {low} to {high}); admissions stop at {close}.",
        "最后一人平均在 {last} 完成采样（95% 区间 {low} 至 {high}）；{close} 停止入场。",
    ),
    "sum_completion_target": (
        "The target for the last swab is {target}: {met}.",
        "最后采样完成目标为 {target}：{met}。",
    ),
    "sum_wait": (
        "People wait {mean} minutes on average from arriving to being swabbed; 95% of people wait at most "
        "{p95} minutes; the longest wait is {max} minutes.",
        "从到场到采样平均等候 {mean} 分钟；95% 的人等候不超过 {p95} 分钟；最长等候 {max} 分钟。",
    ),
    "sum_targets": ("Targets met: {met} of {total}.", "达成目标：{met} / {total}。"),
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
    "bn_stations_ok": (
        "The sampling stations are busy {util} of the time on average: not saturated.",
        "采样台平均利用率 {util}，未饱和。",
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
    "bn_none": ("No resource is saturated on these numbers.", "按这些结果，没有资源饱和。"),
    # recommendations
    "rec_intro": (
        "Each change below was run with the same seed and replications as the plan (common random numbers), so "
        "the differences are not noise.",
        "以下每项调整都用与原方案相同的随机种子和重复次数运行（共同随机数），差异并非随机波动。",
    ),
    "rec_stations": ("{new} stations instead of {old}", "{new} 个采样台（原 {old} 个）"),
    "rec_lanes": ("{new} entry-check lanes instead of {old}", "{new} 条入口核验通道（原 {old} 条）"),
    "rec_generic": ("{key} = {new} instead of {old}", "{key} = {new}（原 {old}）"),
    "rec_line": (
        "With {change}, the 95th-percentile wait {p95_verb} from {p95_old} to {p95_new} minutes, the mean wait "
        "from {mean_old} to {mean_new} minutes, and the last swab is at {last_new} instead of {last_old}.",
        "若采用 {change}，95% 等候时间由 {p95_old} 分钟{p95_verb}至 {p95_new} 分钟，平均等候由 {mean_old} 分钟变为 "
        "{mean_new} 分钟，最后一人采样完成时间由 {last_old} 变为 {last_new}。",
    ),
    "falls": ("falls", "降"),
    "rises": ("rises", "升"),
    "stays": ("stays", "持平"),
    "rec_diff": (
        "Paired difference in the 95th-percentile wait: {d} minutes (95% interval {low} to {high}).",
        "95% 等候时间的配对差：{d} 分钟（95% 区间 {low} 至 {high}）。",
    ),
    "rec_targets": ("Targets met: {met} of {total}.", "达成目标：{met} / {total}。"),
    "rec_best": (
        "The smallest change tried that meets every target: {change}.",
        "所试调整中满足全部目标的最小调整：{change}。",
    ),
    "rec_base_ok": (
        "The plan as it stands meets every target; the changes show the margin that extra resources would buy.",
        "现方案已达成全部目标；以下结果显示增加资源能换来的余量。",
    ),
    "rec_none_meets": ("None of the changes tried meets every target.", "所试调整均未能达成全部目标。"),
    "rec_missing": (
        "No variant runs are saved with these results, so no change is recommended. The command "
        "“drill run SCENARIO.yaml --report” runs variants with common random numbers.",
        "结果中没有保存方案对比运行，因此不提出调整建议。命令“drill run 场景文件 --report”可用共同随机数比较方案。",
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
