"""Words of the report, in English: headings, labels and sentences with placeholders, each under a key.

The translations are gettext catalogues (sim/locale): `t("title", "zh")` looks up the English under the
context ``report.title`` in ``sim/locale/zh_CN/LC_MESSAGES/drill.po``. KPI labels are the KPI catalogue's
(sim/measure/catalogue.py); role, distribution and changed-key names are here, in one place each.
"""

from __future__ import annotations

from ..locale import LANGS, pgettext
from ..measure import catalogue

__all__ = ["LANGS", "TEXT", "change_label", "dist_name", "kpi_label", "param_name", "role_name", "t"]

TEXT: dict[str, str] = {
    # document
    "title": "Testing drill report",
    "scenario": "Scenario",
    "generated": "Report built",
    "run_created": "Simulation run",
    "contents": "Contents",
    "sec_summary": "Summary",
    "sec_inputs": "Inputs that matter",
    "sec_site": "The site",
    "sec_kpis": "Results",
    "sec_figures": "Over the day",
    "sec_bottleneck": "Bottleneck",
    "sec_recommend": "Recommendations",
    "sec_method": "How it was computed",
    "sec_appendix": "Appendix: all other measures",
    # headline tiles
    "tile_swabbed": "swabbed, of {arrived} who came",
    "tile_unswabbed": "left unswabbed, of {due} who set out",
    "tile_worst": "longest wait, setting out to swab",
    "tile_last": "last swab (mean)",
    "tile_mean": "mean wait",
    "tile_p95": "95% wait at most",
    "min": "min",
    "subtitle": "Simulation of a community nucleic-acid testing session",
    "page_note": "Built from saved simulation results; every number is a mean over replications unless stated.",
    # summary: the verdict and the five lines
    "head_met": "The plan meets its aims: all {n} are met, and everyone who set out is swabbed in every replication.",
    "head_not_met": "The plan does not meet its aims: {k} of {n} not met — {aims}.",
    "head_risk": "The plan meets the {n} aims it sets, but not with room to spare: {risks}.",
    "risk_deadline": "{n} of {of} replications miss {target} (the slowest at {worst})",
    "risk_unswabbed": "people are left unswabbed in {n} of {of} replications (up to {worst})",
    "risk_unswabbed_some": "some people are left unswabbed",
    "aim_everyone": "Nobody who set out left unswabbed (default aim)",
    "rec_not": "not: {what}",
    "aim_value_ci": "{mean} (95% interval {low} to {high})",
    "v_met": "met",
    "v_missed": "missed",
    "v_uncertain": "uncertain",
    "v_undefined": "no value",
    "v_unknown": "unknown measure",
    "sep": "; ",
    "cov_none": "Nobody set out.",
    "cov_all": "Everyone who set out is swabbed in all {n} replications ({sampled} people on average).",
    "cov_left": (
        "Not everyone who set out is swabbed: {left} people on average are left unswabbed (up to {worst} in one "
        "replication; coverage {share}, {sampled} swabbed). Why: {causes}."
    ),
    "cause_set_out_late": "{n} set out too late to arrive before admissions stopped",
    "cause_delayed": "{n} were held up at a gate until too late, or held there",
    "cause_turned_away": "{n} were turned away at a full waiting zone",
    "cause_hard_stop": "{n} were still waiting when service ended",
    "last_none": "Nobody was swabbed.",
    "last_swab": "The last swab is at {last} on average (95% interval {low} to {high}; the slowest replication {worst})",
    "last_no_deadline": "; admissions stop at {close}, and no deadline is set.",
    "last_deadline": "; the deadline is {deadline}: {word}.",
    "wait_none": "Nobody was swabbed, so there is no wait to report.",
    "from_home": "leaving home",
    "from_arrival": "arriving",
    "wait_worst": (
        "The longest wait from {start} to the swab is {mean} minutes on average ({worst} in the worst replication); "
        "95% of people wait at most {p95} minutes."
    ),
    "sec_aims": "Aims",
    "met": "met",
    "missed": "missed",
    "unknown": "unknown KPI",
    "warnings_head": "Warnings from the checks of the inputs",
    # inputs
    "col_input": "Input",
    "col_value": "Value",
    "col_source": "Where the number comes from",
    "no_source": "no source given: assumption or default",
    "in_clock": "Opening hours",
    "in_arrivals": "Arrivals",
    "in_population": "Population groups",
    "in_entry": "Entry check",
    "in_waiting": "Waiting zone",
    "in_stations": "Sampling stations",
    "in_registration": "Registration time",
    "in_swab": "Swab time",
    "in_isolation": "Isolation zone",
    "in_buffer": "Buffer zone",
    "in_pooling": "Pooling",
    "in_staff": "Staff: {role}",
    "in_pauses": "Disinfection pauses",
    "in_courier": "Courier (sample transport)",
    "in_lab": "Lab capacity",
    "in_limit": "Sample age limit",
    "v_staff": (
        "{roster} on the roster for {posts} posts; stretches of at most {stretch} min in protective equipment; "
        "{don} + {doff} min changing, {rest} min rest"
    ),
    "v_no_show": "; {share} do not turn up",
    "v_pause": "{at} for {minutes} min",
    "v_courier": "every {every} min, {travel} one way",
    "v_courier_full": "; also when a box of {box} tubes is full",
    "v_courier_none": "no scheduled pickups; {travel} one way",
    "v_lab_rate": "{rate} tubes per hour; report {report}",
    "v_lab_batch": "{machines} machines, {batch} tubes per run of {run} min ({rate} tubes per hour at most); report {report}",
    "v_limit": "{minutes} min from the first swab in a tube to the lab",
    "v_clock": "{open} to {close} ({hours} h); people inside are still served",
    "v_hard_stop": "; service ends at {stop}",
    "v_callup": "{n} buildings, {residents} residents, called every {interval} min from {start}; turnout {turnout}",
    "v_callup_timed": "{n} buildings, {residents} residents, called by timetable; turnout {turnout}",
    "v_rate": "{rate} people per hour (Poisson)",
    "v_profile": "time-varying: {steps}",
    "v_group": "{name} {share}",
    "v_priority": "priority lane",
    "v_entry": "{lanes} lanes, {time}; {abnormal} found abnormal",
    "v_waiting": "{capacity} places; when full: {when_full}",
    "v_unlimited": "unlimited",
    "queue_outside": "queue outside",
    "turn_away": "turn away",
    "v_stations": "{n} stations, one registrar and one sampler each",
    "v_isolation": "{capacity} places; stay {stay}",
    "v_buffer": "{capacity} staff changing places",
    "v_pooling": "{size} swabs per tube",
    "v_none": "none",
    # KPI table
    "col_kpi": "Measure",
    "col_mean": "Mean",
    "col_ci": "95% interval",
    "col_range": "Range over runs",
    "col_target": "Target",
    "kpi_note": (
        "Mean over {n} replications with a Student-t 95% interval for the mean. Rounding: whole numbers and "
        "values of 100 or more without decimals, utilisation to 2 decimals, everything else to 1 decimal. "
        "For skewed measures such as peaks the interval can reach below zero."
    ),
    # figures
    "fig_site": "Site layout and flow (schematic, not to scale)",
    "fig_occupancy": "People in each zone over the day",
    "fig_progress": "People called, arrived and swabbed",
    "fig_waits": "Wait from arrival to swab, per replication",
    "fig_utilisation": "Sampling stations in use",
    "fig_sample_age": "Sample age at the lab",
    "fig_staff": "Staff rotation",
    "fig_gates": "Queues at residence gates",
    "fig_caption_occupancy": "Lines: mean over replications; shaded: the highest value in any replication. Dashed: capacity.",
    "fig_caption_utilisation": (
        "Left: people at the stations (one being registered, one being swabbed per station at most); line: mean "
        "over replications, shaded: highest. Right: station utilisation of each replication; dashed red: 0.9, "
        "taken as saturated."
    ),
    "fig_caption_gates": "People queuing at each residence gate (卡口): mean over replications, the highest value in each 10 minutes.",
    "fig_caption_staff": (
        "Replication 1 of the run (staff.csv). Each row is one person on the roster: on duty at post #, changing "
        "in the buffer zone, waiting for a changing place, resting. Below, where any: when a post was closed, and why. "
        "Dotted: admissions stop."
    ),
    "fig_caption_sample_age": (
        "Above: each dot is one replication's value (replications.csv), the box spans the middle half; dashed red: "
        "the room-temperature limit and targets. Below: the courier's trips in replication 1 (courier.csv), with "
        "the tubes carried; dotted: admissions stop."
    ),
    "fig_caption_waits": "Each dot is one replication; the box spans the middle half, the bar is the median.",
    # figure labels
    "ax_clock": "Time of day",
    "ax_people": "People",
    "ax_minutes": "Minutes",
    "ax_queue": "People queuing (highest in 10 min)",
    "lbl_waiting": "Waiting zone",
    "lbl_outside": "Queue outside",
    "lbl_entry_queue": "Entry-check queue",
    "lbl_isolation": "Isolation zone",
    "lbl_capacity": "capacity {n}",
    "lbl_called": "Called",
    "lbl_arrived": "Arrived",
    "lbl_sampled": "Swabbed",
    "lbl_close": "Admissions stop",
    "lbl_mean_wait": "Mean",
    "lbl_p95_wait": "95th pct.",
    "lbl_max_wait": "Longest",
    "lbl_target": "target {v:g}",
    "lbl_at_stations": "People at the stations",
    "lbl_station_count": "{n} stations",
    "lbl_station_places": "{n} places (registrar + sampler)",
    "lbl_stations_staffed": "{n:g} stations staffed (roster)",
    "lbl_utilisation": "Utilisation per run",
    "lbl_limit": "limit {v:g} min",
    "lbl_replication": "replications",
    "lbl_age_p95": "Age at lab, 95% of tubes",
    "lbl_age_max": "Age at lab, oldest tube",
    "lbl_result_p95": "Swab to result, 95%",
    "ax_minutes_swab": "Minutes since the first swab in the tube",
    "lbl_tubes": "{n} tubes",
    "lbl_courier": "Courier",
    "lbl_to_lab": "to the lab, loaded",
    "lbl_back": "back to the site",
    "st_duty": "on duty",
    "st_change": "changing (buffer zone)",
    "st_wait": "waiting for a changing place",
    "st_rest": "resting",
    "cause_rotation": "staff change",
    "cause_pause": "disinfection pause",
    "cause_absent": "nobody to staff it",
    "lbl_closed": "Post closed:",
    "lbl_post": "#{n}",
    "lbl_station_n": "Station {n}",
    "lbl_entry_lane": "Entry lane {n}",
    "lbl_beat": "Marshal post {n}",
    # the replay beside the report (sim/replay)
    "replay_link": "Watch the day (replay.html)",
    "replay_note": (
        "an animated replay of one simulated day on this site's layout; it opens in a browser without "
        "internet, and a link such as replay.html#t=09:30 opens it at that moment"
    ),
    # schematic
    "sch_entrance": "Entrance",
    "sch_entry": "Entry check",
    "sch_entry_sub": "temperature,\nhealth code",
    "sch_lanes": "{n} lanes",
    "sch_waiting": "Waiting zone",
    "sch_waiting_sub": "1 m spacing",
    "sch_capacity": "capacity {n}",
    "sch_stations": "Sampling zone",
    "sch_station": "Station",
    "sch_stations_sub": "{n} stations\nregistrar + sampler",
    "sch_exit": "Exit",
    "sch_buffer": "Buffer zone\n(staff only)",
    "sch_isolation": "Temporary\nisolation zone",
    "sch_outside": "Queue\noutside",
    "sch_places": "{n} places",
    "sch_abnormal": "fever / code",
    "sch_oneway": "one-way flow",
    # bottleneck
    "bn_stations": (
        "The sampling stations are the bottleneck: they are busy {util} of the time on average, and people wait "
        "for a free station (so every station is busy) during {busy_min} minutes of the day, on average over "
        "replications."
    ),
    "bn_zone_full": (
        "The waiting zone fills up: it reaches its {capacity} places in {full_reps} of {n} replications ({peak} "
        "people at the peak on average), and some replication has it full during {full_min} minutes of the day."
    ),
    "bn_outside": (
        "People queue outside the site in {queued_reps} of {n} replications ({peak} people at the peak on average, "
        "{max} in the worst); some replication has a queue outside during {minutes} minutes, between {first} and {last}."
    ),
    "bn_entry": (
        "The entry check also holds people up: {entry} minutes on average there against {sampling} minutes "
        "waiting for a station."
    ),
    "bn_isolation": (
        "The isolation zone is full at times ({peak} people at the peak on average, {capacity} places); the longest "
        "wait for a place is {wait} minutes on average."
    ),
    "bn_gates": (
        "At the residence gates (卡口) the longest 95th-percentile wait is at gate {gate}: {p95} minutes "
        "({n} gates; {all} minutes over all gates)."
    ),
    "bn_closed": (
        "Staff changes close stations for {closed} station-minutes on average ({share} of the station time from "
        "opening to the last swab){rotations}."
    ),
    "bn_closed_none": "Staff changes close no station: a dressed relief is ready at each of the {n} changes at posts.",
    "bn_closed_rot": "; {n} changes at posts",
    "bn_buffer": "Staff wait up to {wait} minutes for a changing place in the buffer zone (places: {capacity}).",
    "bn_over_limit": (
        "Samples: {over} tubes on average reach the lab after the {limit}-minute room-temperature limit "
        "(in {reps} of {n} replications); the oldest tube is {max} minutes old at the lab on average. "
        "Courier every {every} minutes."
    ),
    "bn_age_ok": (
        "Samples: every tube reaches the lab within the {limit}-minute limit in every replication (oldest: {max} "
        "minutes on average, {worst} at worst)."
    ),
    "bn_binding": "The binding constraint: {named}. The change that relieves it: {relief}.",
    "bn_binding_one": "{stage} (for {aims})",
    "bn_nearest": "No stage binds: every aim is met. The stage nearest its limit is {stage}.",
    "bn_method": (
        "How it was chosen: each aim not met is traced to the stage that binds it. A wait goes to the stage where "
        "people queue longest (gate, entry check or station); the last swab to the stations when they are busy at "
        "least 85% of the time, else to the call-up; people left unswabbed to their largest cause; sample age to "
        "the courier; results to the lab when it is busy at least 85% of the time, else to the courier. A station "
        "queue is the staff's when posts stay unopened or closed for at least 5% of the station time."
    ),
    "col_stage": "Stage",
    "col_measures": "What the numbers show (means over replications)",
    "stage_gates": "the residence gates",
    "stage_entry": "the entry check",
    "stage_waiting_zone": "the waiting zone",
    "stage_stations": "the sampling stations",
    "stage_staff": "the staff roster (posts closed or never opened)",
    "stage_buffer": "the buffer zone",
    "stage_callup": "the call-up and the opening hours",
    "stage_courier": "the courier",
    "stage_lab": "the lab",
    "stage_doorstep": "the door-to-door teams",
    "relief_gates": "more checker lanes at the gates",
    "relief_entry": "an entry-check lane with its checkers",
    "relief_waiting_zone": "a larger waiting zone",
    "relief_stations": "a station with its sampler and registrar",
    "relief_staff": "rosters that keep every post staffed through rotations",
    "relief_buffer": "more changing places",
    "relief_callup": "calling buildings sooner or keeping admissions open longer",
    "relief_courier": "the courier coming for a full box, or more often",
    "relief_lab": "more lab capacity or larger pools",
    "relief_doorstep": "another door-to-door team",
    "st_gates": (
        "people swabbed queue {queue} min at their gate on the way; the worst gate is {gate} (95th-percentile wait "
        "{p95} min); {delayed} people were held up until too late, {held} held at a gate"
    ),
    "st_entry": "{queue} min queue on average; {lanes} lanes",
    "st_zone": "peak {peak} of {capacity} places; {outside} queue outside at the peak; {turned} turned away",
    "st_stations": "{queue} min queue for a station on average; busy {util} of the time; {open} of {stations} open",
    "st_staff": "{unopened} stations not opened (too few staff to rotate); {closed} station-minutes closed for changes ({share})",
    "st_buffer": "staff wait up to {wait} min for one of {capacity} changing places",
    "st_callup": "{late} people set out too late to arrive before admissions stopped; the last arrival at {last}",
    "st_courier": "{over} tubes over the {limit}-min limit at the lab; the oldest {age} min",
    "st_lab": "busy {util} of the time; 95% of results within {p95} min of the swab",
    "st_doorstep": "{teams} team(s); the last home swab at {last}",
    # recommendations
    "rec_intro": (
        "Each change below relieves a binding constraint and was run with the same seed and replications as the "
        "plan (common random numbers), so the differences are not noise. Stations and lanes come with the staff "
        "they need."
    ),
    "rec_change": "{what} {old} → {new}",
    "rec_gates": "{lanes} more checker lanes over the {n} gates",
    "rec_outcome": (
        "Aims met: {met} of {n}. Left unswabbed {left_old} → {left_new}; 95th-percentile wait {p95_old} → {p95_new} "
        "min; last swab {last_old} → {last_new}."
    ),
    "rec_people": "{n} people",
    "rec_no_people": "no extra people",
    "rec_staff": "Staff for the plan: {staff}.",
    "rec_best": "Recommended: {change} ({cost}) — the smallest of the {n} changes tried that meets every aim.",
    "rec_base_ok": "The plan as it stands meets every aim; the changes show the margin that extra resources would buy.",
    "rec_none_meets": "None of the {n} changes tried meets every aim. The closest is {change}, which still misses: {still}.",
    "rec_missing": (
        "No variant runs are saved with these results, so no change is recommended. The command "
        "“drill run SCENARIO.yaml --report” runs the changes that relieve the bottleneck with common random numbers."
    ),
    "rec_stale": "The saved variant runs do not match these results (different seed or replications), so they are not used.",
    # method
    "m_replications": "Replications",
    "m_seed": "Seed",
    "m_version": "Simulator version",
    "m_file": "Scenario file",
    "m_created": "Run at",
    "m_sanity": "Offered load per station",
    "m_sanity_v": "{load} ({arrival}/h arriving on average; stations can do about {capacity}/h)",
    "m_assumptions": "Model assumptions",
    "m_a1": (
        "Discrete-event simulation (simpy): each person walks in, is checked at the entrance, waits in the waiting "
        "zone (or outside when it is full), is registered and swabbed at the first free station, and leaves by the exit."
    ),
    "m_a2": "People found abnormal at the entry check go to the temporary isolation zone and are not swabbed at the site.",
    "m_a3": "Admissions stop when the session closes; people already inside are still served.",
    "m_a4": (
        "Times are in minutes; each replication uses its own random streams derived from the seed, and changed "
        "plans reuse the same streams (common random numbers)."
    ),
    "m_a5": "Numbers without a source in the table of inputs are planning assumptions, not measurements.",
    "files": "Files",
    # city round
    "c_title": "City testing round report",
    "c_subtitle": "Simulation of a city-wide nucleic-acid testing round: many sites sharing the labs",
    "c_sec_figures": "Over the round",
    "c_next_day": "{clock} next day",
    "c_day_n": "{clock} on day {day}",
    "c_head_met": "The round meets its aims: all {n} are met, every site done by the deadline ({deadline}).",
    "c_head_not_met": "The round does not meet its aims: {k} of {n} not met — {aims}.",
    "c_head_risk": "The round meets its {n} aims, but not with room to spare: {risks}.",
    "c_sum_done": (
        "{sites} of the {n} sites and {people} of the people are done by the deadline ({deadline}); {sampled} of "
        "{arrived} people who came were swabbed."
    ),
    "c_sum_times": "Swabbing stops admitting at {close}; the median site has its last swab at {median}, the last site at {last}.",
    "c_latest": (
        "The last site to finish (replication 1) is {name} (template {template}, district: {district}; {stations} "
        "stations, {population} residents) at {at}: {why}."
    ),
    "c_site_n": "site {n}",
    "c_sep": "; ",
    "c_why_load": "{n} residents per station against a city median of {median}",
    "c_why_busy": "its stations were busy {util} of the time",
    "c_why_chance": "its load is typical; its queue grew by random bunching of arrivals",
    "c_sum_lab": "The labs' backlog peaks at {peak} tubes waiting; the last result is out at {last}.",
    "c_sum_over": "{over} tubes reach the lab after the {limit}-minute room-temperature limit (oldest: {max} minutes).",
    "c_sum_age_ok": "Every tube reaches the lab within the {limit}-minute room-temperature limit (oldest: {max} minutes).",
    "c_next_day_short": "next day",
    "c_day_n_short": "day {day}",
    "c_tile_sites": "of sites done by the deadline",
    "c_tile_last": "last site finishes",
    "c_tile_lab": "last lab result",
    "c_in_deadline": "Deadline",
    "c_v_deadline": "every site done within {hours} h of opening ({at})",
    "c_v_clock": "{open} to {close} ({hours} h)",
    "c_in_sites": "Sites: {template}",
    "c_v_sites": (
        "{count} sites of {stations} stations, {population} residents each (district: {district}); swab {swab}; "
        "{pool} swabs per tube; turnout {turnout}"
    ),
    "c_in_lab": "Lab: {name}",
    "c_v_lab": "{per_hour} tubes an hour (about {per_day} a day); result {turnaround} h after processing starts",
    "c_v_limit": "{minutes} min from the first swab in a tube to the lab",
    "c_kpi_note": (
        "Mean over {n} replication(s) with a Student-t 95% interval for the mean (none with one replication). "
        "Rounding: whole numbers and values of 100 or more without decimals, utilisation to 2 decimals, shares "
        "(0-1) to 3 decimals, everything else to 1 decimal. Times in minutes after opening."
    ),
    "c_fig_cumulative": "People swabbed by hour, against the deadline",
    "c_fig_backlog": "Tubes waiting at each lab",
    "c_fig_completion": "When the sites finish",
    "c_cap_cumulative": (
        "People swabbed by the end of each hour after opening, all sites together, mean over replications "
        "(hourly.csv). Dashed grey: people who came; dashed red: the deadline."
    ),
    "c_cap_backlog": (
        "Tubes delivered but not yet processed, every 10 minutes, mean over replications (lab_backlog.csv). "
        "Dash-dot: the last result (mean); dashed red: the deadline."
    ),
    "c_cap_completion": (
        "Number of sites by the time of their last swab: every site of every replication (sites.csv). Dashed red: "
        "the deadline (named at the right edge when it is later than every site); dotted: admissions stop."
    ),
    "c_ax_tubes": "Tubes waiting",
    "c_ax_sites": "Sites per {width} min",
    "c_lbl_swabbed": "Swabbed (cumulative)",
    "c_lbl_last_result": "last result {at}",
    "c_lbl_no_backlog": "no tube waits at any time",
    "c_lbl_came": "{n} people came",
    "c_lbl_deadline": "deadline {at}",
    "c_a1": (
        "Each site is simulated on its own (discrete-event, simpy) with Poisson arrivals while it is open; sites "
        "share nothing but the labs."
    ),
    "c_a2": (
        "Sealed tubes are collected on the courier's schedule and streamed into the labs, which process tubes "
        "first come first served at their capacity."
    ),
    "c_a3": "A site is done by the deadline when its last swab is before the deadline and nobody who came was left unserved.",
    "c_a4": "Numbers without a source in the table of inputs are planning assumptions, not measurements.",
    "rec_roster": "{role} on the roster",
    "dist_values": "{n} values",
    "dist_sep": ", ",
    "pdf_missing": "report.pdf not written: install the optional extra (pip install 'drill-sim[pdf]').",
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with placeholders filled."""
    text = pgettext(f"report.{key}", TEXT[key], lang)
    return text.format(**values) if values else text


def kpi_label(name: str, lang: str) -> str:
    """A reader's name for a KPI (the catalogue's label in `lang`); the KPI's own name where none is known."""
    return catalogue.label(name, lambda context, text: pgettext(context, text, lang))


# the staff roles of a scenario (staff.<role>): as counted ("12 samplers"), and as a row's title
ROLES: dict[str, tuple[str, str]] = {
    "sampler": ("samplers", "Sampler"), "registrar": ("registrars", "Registrar"),
    "entry_checker": ("entry checkers", "Entry checker"), "marshal": ("marshals", "Marshal"),
}  # fmt: skip


def role_name(role: str, lang: str, title: bool = False) -> str:
    """'samplers' (or 'Sampler' as a title) in `lang`; a role the table does not know by its own name."""
    if role not in ROLES:
        return role
    return pgettext(f"role.{role}" + (".title" if title else ""), ROLES[role][1 if title else 0], lang)


# distributions and their parameters, as the table of inputs names them
DISTS: dict[str, str] = {
    "fixed": "fixed", "exponential": "exponential", "uniform": "uniform", "triangular": "triangular",
    "lognormal": "lognormal", "gamma": "gamma", "empirical": "empirical",
}  # fmt: skip
PARAMS: dict[str, str] = {"mean": "mean", "cv": "cv", "low": "from", "high": "to", "mode": "mode", "value": ""}


def dist_name(dist: str, lang: str) -> str:
    return pgettext(f"dist.{dist}", DISTS[dist], lang) if dist in DISTS else dist


def param_name(param: str, lang: str) -> str:
    if param not in PARAMS:
        return param
    return pgettext(f"param.{param}", PARAMS[param], lang) if PARAMS[param] else ""


# the scenario keys a variant changes, as the recommendations name them (staff.<role>.roster: by role)
CHANGES: dict[str, str] = {
    "site.sampling.stations": "stations", "site.entry_check.lanes": "entry-check lanes",
    "site.waiting.capacity": "waiting-zone places", "site.buffer.capacity": "buffer-zone places",
    "arrivals.callup.interval": "call-up interval", "clock.duration": "opening hours",
    "samples.courier.when_full": "the courier also comes when a box is full",
    "samples.courier.every": "courier interval", "samples.lab.tubes_per_hour": "lab tubes per hour",
    "samples.lab.machines": "lab machines", "pooling.size": "swabs per tube",
    "doorstep.teams": "door-to-door teams", "staff.open_posts": "posts opened",
}  # fmt: skip


def change_label(key: str, lang: str) -> str:
    """A changed scenario key in the reader's words ('stations', 'samplers on the roster'); else the key."""
    if key in CHANGES:
        return pgettext(f"change.{key}", CHANGES[key], lang)
    role = key.removeprefix("staff.").removesuffix(".roster")
    if key == f"staff.{role}.roster" and role in ROLES:
        return t("rec_roster", lang, role=role_name(role, lang))
    return key
