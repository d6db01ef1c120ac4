"""The groups of ``Settings`` (:mod:`creditwatch.config`): one model per concern, one field per knob.

``FLAT`` is the prefix a group's fields take in their documented flat variable
(``CREDITWATCH_`` + ``FLAT`` + field name, e.g. ``CREDITWATCH_DRIFT_ALPHA``); a field whose
flat name does not follow it lists its variables in ``json_schema_extra={"env": [...]}``.
Every field has an operator-facing ``description`` (the configuration reference is generated
from them).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic.json_schema import JsonDict

from creditwatch.registry.pointers import serving_dir


def _default_root() -> Path:
    here = Path(__file__).resolve().parents[2]  # lib/creditwatch/config_groups.py -> checkout
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def _env(*names: str) -> JsonDict:
    """Flat variables of a field that does not follow its group's prefix, first one first."""
    return {"env": list(names)}


class Group(BaseModel):
    """A group of settings; unknown fields are refused (a misspelt override fails loudly)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)
    FLAT: ClassVar[str] = ""


class PathsConfig(Group):
    root: Path = Field(default_factory=_default_root, description=(
        "Project root; the data, artifacts and reports folders are derived from it. Default: "
        "the checkout that holds the package, else the working directory."))
    data_dir: Path | None = Field(None, description=(
        "Data folder (embedded store, spool, synthetic data, logs). Default: `<root>/data`."))
    artifacts_dir: Path | None = Field(None, description=(
        "Artifacts folder (model bundle, compiled trees). Default: `<root>/artifacts`."))
    reports_dir: Path | None = Field(None, description=(
        "Reports folder (notebook runs, drift reports). Default: `<root>/reports`."))

    @field_validator("root")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.resolve()

    @property
    def data(self) -> Path:
        return self.data_dir or self.root / "data"

    @property
    def artifacts(self) -> Path:
        return self.artifacts_dir or self.root / "artifacts"

    @property
    def reports(self) -> Path:
        return self.reports_dir or self.root / "reports"

    @property
    def notebooks(self) -> Path:
        """The parameterised notebooks: the project root's, else the checkout's (they ship
        with the code, while data, artifacts and reports follow CREDITWATCH_ROOT)."""
        own = self.root / "notebooks"
        return own if own.is_dir() else Path(__file__).resolve().parents[2] / "notebooks"

    @property
    def bundle_dir(self) -> Path:
        """The model bundle that answers: the champion's folder in the registry
        (``artifacts/models/<version>``) when a champion is named, else the legacy single
        bundle ``artifacts/model`` (see ``creditwatch.registry``)."""
        return serving_dir(self.artifacts)


class StoreConfig(Group):
    FLAT = "store_"
    url: str | None = Field(None, json_schema_extra=_env("CREDITWATCH_DATABASE_URL",
                                                         "DATABASE_URL"), description=(
        "URL of the prediction store, e.g. `postgresql://user@host:5432/creditwatch`. "
        "Unset: an embedded SQLite file `<data>/creditwatch.db`."))
    # Short, so the API's health check and background writer notice an unreachable store
    # quickly instead of hanging.
    connect_timeout: int = Field(5, description=(
        "Seconds to wait for a PostgreSQL connection before failing."))
    retention_min_days: int = Field(183, ge=1, json_schema_extra=_env(
        "CREDITWATCH_RETENTION_MIN_DAYS"), description=(
        "`retention purge` refuses to remove the inputs of predictions younger than this "
        "many days: 183 by default, the EU AI Act's six-month minimum for the logs of a "
        "high-risk system (Art. 26(6))."))


class ModelConfig(Group):
    # The decision threshold is derived from the costs at training time and stored in the
    # model bundle; these are the only cost values outside a bundle.
    cost_fn: float = Field(10.0, description=(
        "Cost of a missed defaulter (approved, then defaults); the decision threshold is "
        "chosen from the two costs at training time and stored in the model bundle."))
    cost_fp: float = Field(1.0, description="Cost of a good client wrongly refused.")
    confidence_medium: float = Field(0.25, description=(
        "Confidence is MEDIUM from this distance of the probability from the threshold, as a "
        "share of the room on that side of it (0: on the threshold, 1: at 0 or 1)."))
    confidence_high: float = Field(0.5, description=(
        "Confidence is HIGH from this distance (same scale; above `confidence_medium`)."))
    seed: int = Field(42, description="Default random seed of `creditwatch train`.")
    compiled_trees: bool = Field(False, description=(
        "Score with lleaves-compiled trees when lleaves is installed (compiling takes tens "
        "of seconds once per model; see the scoring benchmark)."))
    shadow_share: float = Field(1.0, ge=0.0, le=1.0, description=(
        "Share of the /predict and /predict-batch traffic the challenger (when one is set, "
        "`artifacts/models/challenger`) scores in shadow, off the response path; chosen by a "
        "hash of the request id, so a re-sent request is sampled the same way."))

    @field_validator("cost_fn", "cost_fp")
    @classmethod
    def _positive_cost(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("costs must be positive")
        return value

    @model_validator(mode="after")
    def _ordered_bands(self) -> ModelConfig:
        if not 0 < self.confidence_medium < self.confidence_high < 1:
            raise ValueError("need 0 < confidence_medium < confidence_high < 1")
        return self


class DriftConfig(Group):
    """A column drifts when its corrected p-value is below ``alpha`` and its gating effect size
    reaches the method's minimum; a window is OK below ``warning_share`` of drifted columns,
    WARNING up to ``alert_share``, ALERT above, INSUFFICIENT_DATA under ``min_rows`` rows."""

    FLAT = "drift_"
    alpha: float = Field(0.05, description=(
        "Significance level of the per-column drift tests (KS, chi-square) and of the "
        "missing-rate test, after the correction across columns."))
    warning_share: float = Field(0.10, description=(
        "A window is WARNING from this share of drifted columns (OK below)."))
    alert_share: float = Field(0.30, json_schema_extra=_env(
        "CREDITWATCH_DRIFT_ALERT_SHARE", "CREDITWATCH_ALERT_DRIFT_SHARE"), description=(
        "A window is ALERT above this share of drifted columns; the drift alert fires, the "
        "health verdict turns bad and the charts draw their alert line there. "
        "`CREDITWATCH_ALERT_DRIFT_SHARE` is an older name of this setting."))
    min_rows: int = Field(50, ge=1, description=(
        "Windows with fewer predictions are INSUFFICIENT_DATA: the tests lose meaning there."))
    # At 5,000 rows KS already detects shifts of a few hundredths of an SD, so the effect-size
    # gate, not the sample, decides; reading every row of a million-prediction history would
    # cost minutes.
    max_rows: int = Field(5_000, ge=50, description=(
        "Windows with more predictions are compared on a uniform random sample of this many, "
        "seeded by the window (a re-run gives the same verdict)."))
    min_wasserstein: float = Field(0.1, ge=0, description=(
        "A numeric column drifts only if its normalised Wasserstein distance (shift in "
        "reference standard deviations) reaches this, besides a significant KS test."))
    min_jensen_shannon: float = Field(0.05, ge=0, le=1, description=(
        "A categorical column drifts only if the Jensen-Shannon distance (base 2) of its "
        "level shares reaches this, besides a significant chi-square test."))
    min_missing_change: float = Field(0.05, ge=0, le=1, description=(
        "A column's missing share shift is flagged only if the share moved by at least this "
        "(0.05: 5 points), besides a significant test; reported, not part of the status."))

    @model_validator(mode="after")
    def _ordered(self) -> DriftConfig:
        if not 0 < self.alpha < 1:
            raise ValueError("need 0 < drift alpha < 1")
        if not 0 <= self.warning_share <= self.alert_share <= 1:
            raise ValueError("need 0 <= drift warning_share <= alert_share <= 1")
        return self


class PerformanceConfig(Group):
    """Model performance per window (``creditwatch performance``): what counts as mature, how
    wide an estimate's band is, when concept drift is signalled, and the edges of its alerts.
    ``PerformanceSettings.of(settings.performance)`` hands the library its part."""

    FLAT = "performance_"
    maturity_share: float = Field(0.8, gt=0, le=1, description=(
        "A window is mature once this share of its predictions have an outcome; the realized "
        "figures of immature windows are shown, marked, and never raise an alert."))
    min_labelled: int = Field(200, ge=2, description=(
        "Fewer labelled predictions than this and no concept-drift signal is computed."))
    band_level: float = Field(0.95, gt=0, lt=1, description=(
        "Two-sided coverage of an estimate's band (0.95: about ±1.96 sampling SD)."))
    concept_alpha: float = Field(0.01, gt=0, lt=1, description=(
        "Family-wise level of the concept-drift signal (realized AUC below, or default rate "
        "above, the estimate's band on a mature window)."))
    calibration_alpha: float = Field(0.01, gt=0, lt=1, description=(
        "A PD band of the calibration table is miscalibrated when its exact binomial p-value "
        "is below this."))
    coverage_quantile: float = Field(0.99, gt=0, lt=1, description=(
        "A prediction is outside the reference's coverage when its novelty exceeds this "
        "quantile of the reference rows' own; the estimate widens its band for those rows."))
    coverage_fields: int = Field(12, ge=1, description=(
        "How many of the model's most important numeric fields the coverage check reads."))
    extrapolation_logit: float = Field(1.0, ge=0, description=(
        "How far (log-odds) the probability of a prediction outside the coverage may be off; "
        "the estimate's band spans that much."))
    check_coverage: bool = Field(True, description=(
        "Read each window's inputs to check the reference's coverage (off: the estimate trusts "
        "every probability and reads only the scores, which is faster on large windows)."))
    auc_drop: float = Field(0.05, ge=0, lt=1, description=(
        "The reference band's floor is the held-out AUC minus this: an estimated AUC whose "
        "whole band lies below it, or a realized AUC below it on a mature window, alerts."))
    calibration_bands: int = Field(2, ge=1, description=(
        "A mature window's calibration fails (and alerts) when at least this many PD bands "
        "are miscalibrated."))
    prediction_drift_ks: float = Field(0.1, gt=0, le=1, description=(
        "Prediction drift alerts when the KS statistic of the window's scores against the "
        "reference's reaches this (and is significant at `concept_alpha`)."))


class ApiConfig(Group):
    key: SecretStr | None = Field(None, json_schema_extra=_env("CREDITWATCH_API_KEY"),
                                  description=(
        "When set, /predict, /predict-batch, /outcomes and GET /predictions/{id} require this "
        "value in the X-API-Key header (401 otherwise); /health, /model and /metrics stay "
        "open. An empty or blank value (CREDITWATCH_API_KEY= in a .env or compose file) counts "
        "as unset: the routes stay open and the API logs a warning at startup."))
    batch_max_size: int = Field(1000, ge=1, description=(
        "Most applications in one /predict-batch request (more: 413)."))
    coalesce_max: int = Field(32, ge=1, description=(
        "Most concurrent /predict requests scored in one pass (1: a pass each)."))
    reasons_max: int = Field(4, ge=0, le=20, description=(
        "Most reasons answered (and stored) with each refused application, and with an "
        "approval asked with `?explain=true`: the reason codes that pushed its probability of "
        "default up, largest contribution first (4: what US adverse-action notices ask for). "
        "0 turns reasons off."))
    outcomes_max_items: int = Field(10_000, ge=1, description=(
        "Most outcomes in one POST /outcomes request (more: 413)."))
    outcomes_wait_s: float = Field(5.0, gt=0, description=(
        "How long POST /outcomes waits for the store to match and store its items; after "
        "that it answers 202 with the items `queued` (they stay in the spool, nothing is lost)."))
    max_body_bytes: int = Field(16 * 1024 * 1024, ge=1024, description=(
        "Request bodies larger than this are refused with 413 before being parsed."))
    spool_dir: Path | None = Field(None, description=(
        "Local spool of records not yet in the store. Default: `<data>/spool`."))
    # Measured 183 -> 159 µs of writer CPU per prediction from 0.05 s to 0.2 s.
    writer_interval_s: float = Field(0.2, gt=0, description=(
        "How often the background writer ships spooled records to the store; longer costs "
        "the API less CPU per prediction, shorter makes records visible sooner."))
    log_level: str = Field("INFO", description="Log level of the API (DEBUG, INFO, WARNING, ...).")
    metrics_multiprocess: Literal["auto", "on", "off"] = Field("auto", description=(
        "prometheus_client's multiprocess mode for `/metrics`: each worker writes its metrics "
        "to files in `metrics_dir` and any worker's `/metrics` reports the whole server. "
        "`auto`: on when `creditwatch serve --workers` is above 1; `on`: always; `off`: "
        "per-process metrics (refused with several workers, which would report a fraction "
        "of the traffic)."))
    metrics_dir: Path | None = Field(None, json_schema_extra=_env(
        "CREDITWATCH_METRICS_DIR", "PROMETHEUS_MULTIPROC_DIR"), description=(
        "Folder of the workers' metric files in multiprocess mode; `creditwatch serve` "
        "creates it and deletes the metric files left there at start. Default: "
        "`<data>/metrics`. One folder per server: two servers must not share it. "
        "`PROMETHEUS_MULTIPROC_DIR`, which `creditwatch serve` sets for its workers, is "
        "prometheus_client's own name for it."))
    monitor_refresh_s: float = Field(30.0, gt=0, description=(
        "How often the API reads the monitoring gauges (latest drift report, active alerts, "
        "latest performance report) from the store, in a background thread: never on the "
        "request path. With several workers one of them reads, the others skip."))
    model_poll_s: float = Field(1.0, gt=0, description=(
        "How often each API worker reads the registry's champion and challenger pointers; a "
        "promotion (`creditwatch model promote`) is served, and a challenger shadowed, within "
        "about this long, without a restart (the new bundle is loaded in the background, then "
        "swapped in between requests)."))
    url: str = Field("http://127.0.0.1:8000", json_schema_extra=_env("CREDITWATCH_API_URL"),
                     description=(
        "Where clients (the simulator, the dashboard) find the API."))

    @property
    def required_key(self) -> str | None:
        """The key the scoring routes require, or None (unset, empty or blank)."""
        value = self.key.get_secret_value() if self.key is not None else ""
        return value if value.strip() else None

    @property
    def blank_key(self) -> bool:
        """CREDITWATCH_API_KEY was given but empty: worth a startup warning."""
        return self.key is not None and self.required_key is None


class AlertsConfig(Group):
    """Every alert threshold lives here (the drift share's in ``drift.alert_share``)."""

    FLAT = "alert_"
    window_hours: float = Field(24.0, gt=0, description="Hours of traffic each check looks at.")
    error_rate: float = Field(0.05, description=(
        "Alert when rejected requests exceed this share of all scoring requests."))
    latency_mean_ms: float = Field(100.0, description="Alert above this mean latency (ms).")
    latency_p95_ms: float = Field(100.0, description=(
        "Alert above this 95th-percentile latency (ms)."))
    approval_min: float = Field(0.50, description="Alert when the approval rate is below this.")
    approval_max: float = Field(0.95, description="Alert when the approval rate is above this.")
    cooldown_minutes: float = Field(60.0, description=(
        "The same alert is not sent again within this many minutes."))
    retries: int = Field(3, ge=1, description="Delivery attempts per notifier.")
    timeout_s: float = Field(5.0, gt=0, description="Timeout of one delivery attempt (s).")
    slack_webhook_url: str | None = Field(None, description=(
        "Slack-compatible incoming webhook to post alerts to."))
    webhook_url: str | None = Field(None, description=(
        "Generic webhook that receives the alerts as JSON."))
    smtp_host: str | None = Field(None, description=(
        "SMTP server for e-mail alerts (with `email_to`)."))
    smtp_port: int = Field(587, description="SMTP port.")
    smtp_starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str | None = Field(None, description="SMTP login (with `smtp_password`).")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    email_from: str = Field("creditwatch@localhost", description="Sender of alert e-mails.")
    email_to: list[str] = Field(default_factory=list, description=(
        "Recipients of alert e-mails, a JSON list in the environment: "
        "`'[\"ops@example.com\"]'`."))


class AnalyticsConfig(Group):
    FLAT = "analytics_"
    refresh_s: float = Field(1.0, ge=0, description=(
        "Queries within this many seconds of the last refresh reuse the local copy without "
        "asking the store for new rows (a dashboard page's dozen aggregates cost one refresh)."))
    full_check_s: float = Field(60.0, ge=0, description=(
        "How often the copy's row counts are compared with the store's; a difference (rows "
        "deleted, a late commit) reloads the table whole."))


class HealthConfig(Group):
    FLAT = "health_"
    approval_low: float = Field(0.70, description=(
        "The approval rate is normal from this share (up to `approval_high`)."))
    approval_high: float = Field(0.85, description="The approval rate is normal up to this.")
    latency_good_ms: float = Field(50.0, description="Mean latency below this (ms) is good.")
    error_rate_normal: float = Field(0.01, description="Error rate below this is normal.")


class DashboardConfig(Group):
    FLAT = "dashboard_"
    port: int = Field(8501, description="Port of `creditwatch dashboard`.")
    cache_ttl_s: float = Field(10.0, gt=0, description=(
        "Aggregates are read from the store at most this often (s)."))
    refresh_s: float = Field(30.0, gt=0, description="Auto-refresh period when switched on (s).")
    api_timeout_s: float = Field(2.0, gt=0, description=(
        "Timeout of the Home page's probe of the API's /health (s)."))


class FairnessConfig(Group):
    """Protected attributes and the fairness alerts (see docs/fairness.md)."""

    FLAT = "fairness_"
    attributes: list[str] = Field(["CODE_GENDER", "DAYS_BIRTH"], description=(
        "Protected attributes: application fields, a JSON list in the environment. A "
        "categorical field groups applications by its level; `DAYS_BIRTH` by age band. "
        "Monitoring reads the fields the analytics copy keeps (`CODE_GENDER`, "
        "`NAME_INCOME_TYPE`, `NAME_EDUCATION_TYPE`, `NAME_CONTRACT_TYPE`, `DAYS_BIRTH`)."))
    age_bands: list[float] = Field([25.0, 35.0, 50.0, 65.0], description=(
        "Edges of the age bands in years: the defaults make <25, 25-34, 35-49, 50-64, 65+."))
    air_threshold: float = Field(0.8, gt=0, le=1, description=(
        "Alert when a group's adverse impact ratio is significantly below this: the upper "
        "end of its confidence interval is below it (the four-fifths rule)."))
    level: float = Field(0.95, gt=0, lt=1, description=(
        "Confidence level of the adverse impact ratio's interval."))
    gap_alpha: float = Field(0.01, gt=0, lt=1, description=(
        "Alert when the TPR or FPR gap across groups of a mature window has a p-value below "
        "this (split between the two tests: Bonferroni)."))
    min_group_size: int = Field(30, ge=1, description=(
        "A group with fewer applications in a window is shown but is never the reference "
        "group and never fires an alert."))
    lookback_days: float = Field(120.0, gt=0, description=(
        "How far back the alert check looks for the latest mature window (one whose "
        "applications mostly have an outcome) to test the TPR/FPR gaps on."))

    @field_validator("attributes")
    @classmethod
    def _fields(cls, value: list[str]) -> list[str]:
        from creditwatch import schema

        for name in value:
            field = schema.FIELD_BY_NAME.get(name)
            if field is None:
                raise ValueError(f"{name!r} is not a field of the application schema")
            if field.dtype != "str" and name != "DAYS_BIRTH":
                raise ValueError(f"{name} is numeric: only categorical fields and DAYS_BIRTH "
                                 "(in age bands) can be protected attributes")
        return value

    @field_validator("age_bands")
    @classmethod
    def _bands(cls, value: list[float]) -> list[float]:
        if not value or value != sorted(set(value)) or value[0] <= 0:
            raise ValueError(f"age_bands must be increasing positive years; got {value!r}")
        return value
