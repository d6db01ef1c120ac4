"""The fairness alert source (registered in ``alerts.sources``): per protected attribute,

* ``fairness_air_<ATTRIBUTE>`` (warning): in the check's window, an eligible group's adverse
  impact ratio is significantly below ``fairness.air_threshold``: the upper end of its
  confidence interval (``fairness.level``) is below it. A point estimate below 0.8 with an
  interval reaching above it is noise at this sample size, not evidence, and does not fire.
* ``fairness_gap_<ATTRIBUTE>`` (warning): in the latest *mature* window of the check's length
  within ``fairness.lookback_days`` (most of its applications have an outcome), the TPR or
  the FPR differs across groups: either gap test's p-value is below ``fairness.gap_alpha / 2``
  (Bonferroni over the two tests). Immature windows never fire: their labelled rows are the
  early defaults, a biased sample.

The source computes from the predictions (vectorised statistics over one read of the
window's range: milliseconds per window) rather than reading a stored run, so an alert
needs no scheduled ``fairness run``. Windows are cohorts by ``received_at``
(``analytics.fairness.CLOCK``, the one fairness clock: the CLI and the page count the same
rows), the server clock the check's window is on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from creditwatch.analytics.fairness import run_windows
from creditwatch.analytics.health import BAD, GOOD, UNKNOWN, Verdict
from creditwatch.analytics.layer import Analytics
from creditwatch.config import Settings
from creditwatch.fairness.result import AttributeFairness
from creditwatch.store import Store
from creditwatch.windows import Window

SEVERITY = "warning"


def air_verdict(r: AttributeFairness, threshold: float) -> Verdict:
    kind = f"fairness_air_{r.attribute}"
    worst = r.worst_air
    if worst is None:
        return Verdict(kind, UNKNOWN, "fewer than two groups large enough to compare",
                       alert_severity=SEVERITY)
    high = float(worst["air_high"])
    if high < threshold:
        return Verdict(kind, BAD, f"alert when the AIR's upper bound < {threshold:g}", high,
                       threshold,
                       f"{r.attribute}={worst['group']}: adverse impact ratio "
                       f"{worst['air']:.2f} (CI {worst['air_low']:.2f}-{high:.2f}) vs "
                       f"{r.reference}, {int(worst['n'])} applications",
                       alert_severity=SEVERITY)
    return Verdict(kind, GOOD, f"AIR upper bound >= {threshold:g}", high,
                   alert_severity=SEVERITY)


def gap_verdict(r: AttributeFairness | None, alpha: float, attribute: str) -> Verdict:
    kind = f"fairness_gap_{attribute}"
    if r is None:
        return Verdict(kind, UNKNOWN, "no mature window yet", alert_severity=SEVERITY)
    tests = {"TPR": (r.tpr_gap, r.tpr_test.p_value), "FPR": (r.fpr_gap, r.fpr_test.p_value)}
    significant = {k: v for k, v in tests.items() if v[1] == v[1] and v[1] < alpha / 2}
    if not significant:
        return Verdict(kind, GOOD, f"no TPR/FPR gap with p < {alpha / 2:g}",
                       alert_severity=SEVERITY)
    name, (gap, p) = min(significant.items(), key=lambda kv: kv[1][1])
    return Verdict(kind, BAD, f"alert when a gap has p < {alpha / 2:g}", p, alpha / 2,
                   f"{attribute}: {name} gap {gap:.3f} across groups (p = {p:.2g})"
                   + (f" in the window from {r.start:%Y-%m-%d %H:%M}" if r.start else ""),
                   alert_severity=SEVERITY)


def fairness_source(store: Store, settings: Settings, window: Window, now: datetime
                    ) -> dict[str, Verdict]:
    """The fairness verdicts as of the check (see the module docstring)."""
    cfg = settings.fairness
    start, end = window.bounds
    length = end - start
    steps = int(timedelta(days=cfg.lookback_days) / length)
    earlier = [Window(start - k * length, start - (k - 1) * length)
               for k in range(steps, 0, -1)]
    with Analytics(store, settings=settings, since=start - steps * length, now=now) as a:
        results = run_windows(a, [*earlier, window], settings, cost_fn=settings.model.cost_fn,
                              cost_fp=settings.model.cost_fp)
    current = [r for r in results if r.start == start and r.end == end]
    out = {f"fairness_air_{r.attribute}": air_verdict(r, cfg.air_threshold) for r in current}
    for r in current:
        mature = [m for m in results if m.attribute == r.attribute and m.mature]
        latest = max(mature, key=lambda m: m.end or end) if mature else None
        out[f"fairness_gap_{r.attribute}"] = gap_verdict(latest, cfg.gap_alpha, r.attribute)
    return out
