"""One ``Settings`` object, read from the environment and ``.env``; no other module reads os.environ.

Every path is derived from one project root (``CREDITWATCH_ROOT``, default: the checkout that
holds this package, else the working directory), so nothing hard-codes an absolute path.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_root() -> Path:
    here = Path(__file__).resolve().parents[2]  # lib/creditwatch/config.py -> checkout
    return here if (here / "pyproject.toml").exists() else Path.cwd()


class Settings(BaseSettings):
    """Runtime configuration. Environment variables use the ``CREDITWATCH_`` prefix."""

    model_config = SettingsConfigDict(
        env_prefix="CREDITWATCH_", env_file=".env", extra="ignore", validate_default=True
    )

    root: Path = Field(default_factory=_default_root)
    data_dir: Path | None = None
    artifacts_dir: Path | None = None
    reports_dir: Path | None = None

    # Unset: an embedded SQLite file under data/. Accepts DATABASE_URL as well.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CREDITWATCH_DATABASE_URL", "DATABASE_URL")
    )

    # Seconds to wait for a PostgreSQL connection before failing: short, so the API's health
    # check and background writer notice an unreachable store quickly instead of hanging.
    store_connect_timeout: int = 5

    # Admin URL of a PostgreSQL server the tests may create and drop databases on (each test
    # session makes its own uniquely named database there, never touching existing ones).
    test_database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        validation_alias=AliasChoices("CREDITWATCH_TEST_DATABASE_URL", "TEST_DATABASE_URL"),
    )
    # Set by CI runners: a missing test service (PostgreSQL) then fails the tests, never skips.
    ci: bool = Field(False, validation_alias="CI")

    # Business costs of the two errors; the decision threshold is derived from them at
    # training time and stored in the model bundle.
    cost_fn: float = 10.0  # a missed defaulter (approved, then defaults)
    cost_fp: float = 1.0  # a good client wrongly refused

    # Confidence bands: distance of the probability from the threshold, as a share of the
    # room on that side of it (0 = on the threshold, 1 = at 0 or 1).
    confidence_medium: float = 0.25
    confidence_high: float = 0.5

    # Drift engine (creditwatch.drift). A column drifts when its corrected p-value is below
    # drift_alpha and its effect size passes the method's minimum; a window is OK below
    # drift_warning_share of drifted columns, WARNING up to drift_alert_share, ALERT above,
    # and INSUFFICIENT_DATA with fewer than drift_min_rows rows (tests lose meaning there).
    drift_alpha: float = 0.05
    drift_warning_share: float = 0.10
    drift_alert_share: float = 0.30
    drift_min_rows: int = 50
    # Windows with more predictions are compared on a uniform random sample of this many
    # (seeded by the window, so a re-run gives the same verdict). At 5,000 rows KS already
    # detects shifts of a few hundredths of an SD, so the effect-size gate, not the sample,
    # decides; reading every row of a million-prediction history would cost minutes.
    drift_max_rows: int = Field(5_000, ge=50)

    seed: int = 42
    compiled_trees: bool = False  # score with lleaves-compiled trees when installed

    # --- scoring API
    # When set, /predict and /predict-batch require this value in the X-API-Key header.
    api_key: SecretStr | None = None
    batch_max_size: int = Field(1000, ge=1)  # applications per /predict-batch request
    # Concurrent /predict requests scored in one pass at most (see api.coalesce); 1: a pass
    # each. Up to the predictor's SMALL_BATCH rows, a pass stays on its fast row path.
    coalesce_max: int = Field(32, ge=1)
    # POST /outcomes: items per request at most, and how long a request waits for the store
    # to match and store them before answering 202 "queued" (they stay in the spool).
    outcomes_max_items: int = Field(10_000, ge=1)
    outcomes_wait_s: float = Field(5.0, gt=0)
    # Request bodies larger than this are refused with 413 before being parsed.
    max_body_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    spool_dir_override: Path | None = Field(None, validation_alias="CREDITWATCH_SPOOL_DIR")
    # How often the writer ships spooled records: bigger batches cost the writer less CPU
    # per prediction (measured 183 -> 159 µs from 0.05 s to 0.2 s), and the GIL it holds.
    writer_interval_s: float = Field(0.2, gt=0)
    log_level: str = "INFO"
    api_url: str = "http://127.0.0.1:8000"  # where clients (simulator, dashboard) find the API

    # --- alerts (`creditwatch alerts check`): every threshold lives here, none in code
    alert_window_hours: float = Field(24.0, gt=0)
    alert_error_rate: float = 0.05  # rejected / all scoring requests
    alert_latency_mean_ms: float = 100.0
    alert_latency_p95_ms: float = 100.0
    alert_drift_share: float = 0.30  # of the latest drift report
    alert_approval_min: float = 0.50
    alert_approval_max: float = 0.95
    alert_cooldown_minutes: float = 60.0  # the same alert is not re-sent within this time
    alert_retries: int = Field(3, ge=1)  # delivery attempts per notifier
    alert_timeout_s: float = Field(5.0, gt=0)
    alert_slack_webhook_url: str | None = None  # Slack-compatible incoming webhook
    alert_webhook_url: str | None = None  # generic JSON webhook
    alert_smtp_host: str | None = None
    alert_smtp_port: int = 587
    alert_smtp_starttls: bool = True
    alert_smtp_user: str | None = None
    alert_smtp_password: SecretStr | None = None
    alert_email_from: str = "creditwatch@localhost"
    alert_email_to: list[str] = Field(default_factory=list)  # JSON list in the environment

    # --- analytics (creditwatch.analytics): a local DuckDB copy of the store
    # Calls within this many seconds of the last refresh reuse the copy without asking the
    # store for new rows (a dashboard page's dozen aggregates cost one refresh).
    analytics_refresh_s: float = Field(1.0, ge=0)
    # How often the copy's row counts are compared with the store's; a difference (rows
    # deleted, a transaction committed late with lower ids) reloads the table whole.
    analytics_full_check_s: float = Field(60.0, ge=0)
    # Healthy bands of the monitoring guide (the alert_* values above are the other edge).
    health_approval_low: float = 0.70  # approval rate normally between low and high
    health_approval_high: float = 0.85
    health_latency_good_ms: float = 50.0  # mean latency below this is good
    health_error_rate_normal: float = 0.01  # error rate below this is normal

    # --- dashboard (`creditwatch dashboard`; its KPI bands are the health_* values above)
    dashboard_port: int = 8501
    dashboard_cache_ttl_s: float = Field(10.0, gt=0)  # aggregates re-read at most this often
    dashboard_refresh_s: float = Field(30.0, gt=0)  # auto-refresh period when switched on
    dashboard_api_timeout_s: float = Field(2.0, gt=0)  # the Home page's /health probe

    @field_validator("cost_fn", "cost_fp")
    @classmethod
    def _positive_cost(cls, value: float) -> float:
        if not value > 0:
            raise ValueError("costs must be positive")
        return value

    @model_validator(mode="after")
    def _check_drift(self) -> Settings:
        if not 0 < self.drift_alpha < 1:
            raise ValueError("need 0 < drift_alpha < 1")
        if not 0 <= self.drift_warning_share <= self.drift_alert_share <= 1:
            raise ValueError("need 0 <= drift_warning_share <= drift_alert_share <= 1")
        if self.drift_min_rows < 1:
            raise ValueError("drift_min_rows must be at least 1")
        return self

    @model_validator(mode="after")
    def _derive_paths(self) -> Settings:
        self.root = self.root.resolve()
        self.data_dir = self.data_dir or self.root / "data"
        self.artifacts_dir = self.artifacts_dir or self.root / "artifacts"
        self.reports_dir = self.reports_dir or self.root / "reports"
        if not 0 < self.confidence_medium < self.confidence_high < 1:
            raise ValueError("need 0 < confidence_medium < confidence_high < 1")
        return self

    @property
    def data(self) -> Path:
        assert self.data_dir is not None
        return self.data_dir

    @property
    def artifacts(self) -> Path:
        assert self.artifacts_dir is not None
        return self.artifacts_dir

    @property
    def reports(self) -> Path:
        assert self.reports_dir is not None
        return self.reports_dir

    @property
    def notebooks(self) -> Path:
        """The parameterised notebooks: the project root's, else the checkout's (they ship
        with the code, while data, artifacts and reports follow CREDITWATCH_ROOT)."""
        own = self.root / "notebooks"
        return own if own.is_dir() else Path(__file__).resolve().parents[2] / "notebooks"

    @property
    def spool_dir(self) -> Path:
        """Local append-only spool of records not yet in the store."""
        return self.spool_dir_override or self.data / "spool"

    @property
    def bundle_dir(self) -> Path:
        """Where ``creditwatch train`` writes and the API loads the model bundle."""
        return self.artifacts / "model"

    @property
    def store_url(self) -> str:
        """The SQLAlchemy URL of the prediction store."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://"):]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://"):]
            return url
        return f"sqlite:///{self.data / 'creditwatch.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
