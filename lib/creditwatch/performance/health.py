"""Each stored performance report judged once: the model-health verdicts and the alerts they fire.

``judge(report, settings)`` reads one ``performance_reports`` row (or the same keys, as
``PerformanceRun.record`` makes them) and gives one ``analytics.health.Verdict`` per signal,
so ``creditwatch performance run`` (its exit code), the alert check (``alerts.sources``), the
dashboard and the reports say the same thing about the same window:

* ``model_auc_estimated`` (warning): the label-free estimate's whole band lies below the
  reference floor, the held-out AUC minus ``performance.auc_drop``. Label-free: judged on
  every window, before outcomes exist (that is its purpose).
* ``model_auc_realized`` (critical): on a mature window, the realized AUC is below that floor
  by more than its sampling spread: ``auc_realized + z·auc_realized_sd < floor`` (``z`` the
  two-sided normal quantile of ``performance.band_level``), so a small window's noise alone
  does not alert.
* ``model_calibration`` (warning): on a mature window, at least
  ``performance.calibration_bands`` PD bands are miscalibrated.
* ``concept_drift`` (critical): realized figures outside the estimate's band in the bad
  direction on a mature window (``performance.concept``).
* ``prediction_drift`` (warning): the window's scores moved from the reference's (KS
  statistic at least ``performance.prediction_drift_ks`` and significant at
  ``performance.concept_alpha``).

Outcome-based verdicts of an immature window are ``unknown``: they never alert (its figures
may still move as outcomes arrive).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scipy.special import ndtri

from creditwatch.analytics.health import BAD, GOOD, UNKNOWN, Verdict
from creditwatch.config import Settings

KINDS = ("model_auc_estimated", "model_auc_realized", "model_calibration", "concept_drift",
         "prediction_drift")
SEVERITY = {"model_auc_estimated": "warning", "model_auc_realized": "critical",
            "model_calibration": "warning", "concept_drift": "critical",
            "prediction_drift": "warning"}


def _num(report: Mapping[str, Any], key: str) -> float | None:
    value = report.get(key)
    if value is None or value != value:  # NaN
        return None
    return float(value)


def _verdict(kind: str, level: str, text: str, value: float | None = None,
             threshold: float | None = None, message: str = "") -> Verdict:
    return Verdict(kind, level, text, value, threshold, message, SEVERITY[kind])


def _z(s: Settings) -> float:
    return float(ndtri(0.5 + s.performance.band_level / 2.0))


def _where(report: Mapping[str, Any]) -> str:
    start = report.get("window_start")
    return f" (window from {start:%Y-%m-%d %H:%M} UTC)" if start is not None else ""


def estimated_auc(report: Mapping[str, Any], s: Settings) -> Verdict:
    kind, ref, high = "model_auc_estimated", _num(report, "auc_reference"), \
        _num(report, "auc_estimated_high")
    if ref is None or high is None:
        return _verdict(kind, UNKNOWN, "no estimate (no calibrator or no predictions)")
    floor = ref - s.performance.auc_drop
    est = _num(report, "auc_estimated")
    if high < floor:
        return _verdict(kind, BAD, f"estimate below the reference floor {floor:.3f}", est, floor,
                        f"estimated AUC {est:.3f} (band up to {high:.3f}) below the reference "
                        f"{ref:.3f} − {s.performance.auc_drop:g}{_where(report)}")
    return _verdict(kind, GOOD, f"band reaches the reference floor {floor:.3f}", est)


def realized_auc(report: Mapping[str, Any], s: Settings) -> Verdict:
    kind, ref, auc = "model_auc_realized", _num(report, "auc_reference"), \
        _num(report, "auc_realized")
    if report.get("immature", True) or ref is None or auc is None:
        return _verdict(kind, UNKNOWN, "immature window: outcomes still arriving")
    floor = ref - s.performance.auc_drop
    sd = _num(report, "auc_realized_sd") or 0.0
    if auc + _z(s) * sd < floor:
        return _verdict(kind, BAD, f"below the reference floor {floor:.3f}", auc, floor,
                        f"realized AUC {auc:.3f} below the reference {ref:.3f} − "
                        f"{s.performance.auc_drop:g} on a mature window{_where(report)}")
    return _verdict(kind, GOOD, f"at or above the reference floor {floor:.3f}", auc)


def calibration(report: Mapping[str, Any], s: Settings) -> Verdict:
    kind, bands = "model_calibration", report.get("miscalibrated_bands")
    if report.get("immature", True) or bands is None:
        return _verdict(kind, UNKNOWN, "immature window: outcomes still arriving")
    edge = s.performance.calibration_bands
    if bands >= edge:
        return _verdict(kind, BAD, f"{bands} PD bands miscalibrated", float(bands), float(edge),
                        f"{bands} PD bands miscalibrated (alert from {edge}) on a mature "
                        f"window{_where(report)}")
    return _verdict(kind, GOOD, f"{bands} PD band(s) miscalibrated", float(bands))


def concept(report: Mapping[str, Any], s: Settings) -> Verdict:
    kind, status = "concept_drift", report.get("concept_status")
    if status in (None, "immature", "insufficient"):
        return _verdict(kind, UNKNOWN, f"not tested: {status or 'no estimate or no outcomes'}")
    if report.get("concept_drift"):
        return _verdict(kind, BAD, "realized outside the estimate's band", 1.0, None,
                        "concept drift: realized performance outside the label-free "
                        f"estimate's band on a mature window{_where(report)}; retraining on "
                        "recent outcomes is the remedy")
    return _verdict(kind, GOOD, "realized within the estimate's band", 0.0)


def prediction_drift(report: Mapping[str, Any], s: Settings) -> Verdict:
    kind, ks, p = "prediction_drift", _num(report, "score_ks"), _num(report, "score_ks_p_value")
    if ks is None or p is None:
        return _verdict(kind, UNKNOWN, "no reference scores or no predictions")
    edge = s.performance.prediction_drift_ks
    if ks >= edge and p < s.performance.concept_alpha:
        return _verdict(kind, BAD, f"scores moved: KS {ks:.3f}", ks, edge,
                        f"prediction drift: score KS {ks:.3f} ≥ {edge:g} against the "
                        f"reference (p = {p:.2g}){_where(report)}")
    return _verdict(kind, GOOD, f"scores as the reference's: KS {ks:.3f}", ks)


def judge(report: Mapping[str, Any], s: Settings) -> dict[str, Verdict]:
    """Every verdict of one report, keyed by kind (``KINDS`` order)."""
    verdicts = (estimated_auc(report, s), realized_auc(report, s), calibration(report, s),
                concept(report, s), prediction_drift(report, s))
    return {v.kind: v for v in verdicts}


def worst(verdicts: Mapping[str, Verdict]) -> str:
    """``bad`` if any verdict is, else ``good`` if any is, else ``unknown``."""
    levels = {v.level for v in verdicts.values()}
    return BAD if BAD in levels else GOOD if GOOD in levels else UNKNOWN


def headline(report: Mapping[str, Any] | None, s: Settings) -> tuple[str, str]:
    """The model-health level of a report (``worst`` of its verdicts) and one Markdown
    sentence saying it, for the Home page and the monitoring report's summary."""
    if report is None:
        return UNKNOWN, ("**Model health**: no performance report yet (`creditwatch "
                         "performance history --every 1d`).")
    judged = judge(report, s)
    level = worst(judged)
    word = {BAD: "ALERT", GOOD: "OK"}.get(level, "not judged yet")
    parts = []
    est, real = _num(report, "auc_estimated"), _num(report, "auc_realized")
    if est is not None:
        parts.append(f"estimated AUC {est:.3f} ({_num(report, 'auc_estimated_low') or 0:.3f}–"
                     f"{_num(report, 'auc_estimated_high') or 0:.3f})")
    if real is not None:
        share = _num(report, "labelled_share") or 0.0
        parts.append(f"realized {real:.3f} on {share:.0%} labelled"
                     + (" (immature)" if report.get("immature") else ""))
    fired = [v.message for v in judged.values() if v.fires]
    start, end = report.get("window_start"), report.get("window_end")
    window = (f", window {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC"
              if start is not None and end is not None else "")
    text = (f"**Model health: {word}** (model `{report.get('model_version')}`{window}): "
            + ("; ".join(parts) or "no figures") + (". " + "; ".join(fired) if fired else "")
            + ".")
    return level, text
