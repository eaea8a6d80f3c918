"""The drill loop: a replication's (or a drill's) event log, a drill's records in, fit, plan against the day.

- ``events``: records → events in time order, in bounded chunks (the contract of ``events.csv``);
- a drill's per-person records are read by ``sim.scenario.drill_records`` (also the input of ``arrivals.trace``);
- ``fit``: arrival profile, registration (censored) and swab distributions, pooling → a fitted scenario;
- ``compare``: the plan's KPIs beside the day's, and where the plan was wrong.

Modules are imported where they are used, so ``import sim`` stays free of scipy here.
"""
