"""Settings: grouped fields, the documented variable names, ``.env``, precedence, validation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from creditwatch.config import Settings, env_names, groups

ROOT = Path(__file__).resolve().parents[1]

# Every flat variable creditwatch documented before the settings were grouped, a value for
# it, the grouped field it sets and the value read back (written out by hand: the oracle).
FLAT: list[tuple[str, str, str, Any]] = [
    ("CREDITWATCH_ROOT", "/srv/cw", "paths.root", Path("/srv/cw")),
    ("CREDITWATCH_DATA_DIR", "/srv/data", "paths.data_dir", Path("/srv/data")),
    ("CREDITWATCH_ARTIFACTS_DIR", "/srv/art", "paths.artifacts_dir", Path("/srv/art")),
    ("CREDITWATCH_REPORTS_DIR", "/srv/rep", "paths.reports_dir", Path("/srv/rep")),
    ("CREDITWATCH_DATABASE_URL", "postgresql://u@h/a", "store.url", "postgresql://u@h/a"),
    ("DATABASE_URL", "postgresql://u@h/b", "store.url", "postgresql://u@h/b"),
    ("CREDITWATCH_STORE_CONNECT_TIMEOUT", "7", "store.connect_timeout", 7),
    ("CREDITWATCH_RETENTION_MIN_DAYS", "400", "store.retention_min_days", 400),
    ("CREDITWATCH_COST_FN", "30", "model.cost_fn", 30.0),
    ("CREDITWATCH_COST_FP", "2", "model.cost_fp", 2.0),
    ("CREDITWATCH_CONFIDENCE_MEDIUM", "0.2", "model.confidence_medium", 0.2),
    ("CREDITWATCH_CONFIDENCE_HIGH", "0.6", "model.confidence_high", 0.6),
    ("CREDITWATCH_SEED", "7", "model.seed", 7),
    ("CREDITWATCH_COMPILED_TREES", "true", "model.compiled_trees", True),
    ("CREDITWATCH_SHADOW_SHARE", "0.25", "model.shadow_share", 0.25),
    ("CREDITWATCH_DRIFT_ALPHA", "0.01", "drift.alpha", 0.01),
    ("CREDITWATCH_DRIFT_WARNING_SHARE", "0.2", "drift.warning_share", 0.2),
    ("CREDITWATCH_DRIFT_ALERT_SHARE", "0.4", "drift.alert_share", 0.4),
    ("CREDITWATCH_ALERT_DRIFT_SHARE", "0.45", "drift.alert_share", 0.45),  # the older name
    ("CREDITWATCH_DRIFT_MIN_ROWS", "20", "drift.min_rows", 20),
    ("CREDITWATCH_DRIFT_MAX_ROWS", "800", "drift.max_rows", 800),
    ("CREDITWATCH_DRIFT_MIN_WASSERSTEIN", "0.2", "drift.min_wasserstein", 0.2),
    ("CREDITWATCH_DRIFT_MIN_JENSEN_SHANNON", "0.1", "drift.min_jensen_shannon", 0.1),
    ("CREDITWATCH_DRIFT_MIN_MISSING_CHANGE", "0.1", "drift.min_missing_change", 0.1),
    ("CREDITWATCH_PERFORMANCE_MATURITY_SHARE", "0.5", "performance.maturity_share", 0.5),
    ("CREDITWATCH_PERFORMANCE_MIN_LABELLED", "50", "performance.min_labelled", 50),
    ("CREDITWATCH_PERFORMANCE_BAND_LEVEL", "0.9", "performance.band_level", 0.9),
    ("CREDITWATCH_PERFORMANCE_CONCEPT_ALPHA", "0.05", "performance.concept_alpha", 0.05),
    ("CREDITWATCH_PERFORMANCE_CALIBRATION_ALPHA", "0.05", "performance.calibration_alpha", 0.05),
    ("CREDITWATCH_PERFORMANCE_COVERAGE_QUANTILE", "0.95", "performance.coverage_quantile", 0.95),
    ("CREDITWATCH_PERFORMANCE_COVERAGE_FIELDS", "5", "performance.coverage_fields", 5),
    ("CREDITWATCH_PERFORMANCE_EXTRAPOLATION_LOGIT", "0.5", "performance.extrapolation_logit",
     0.5),
    ("CREDITWATCH_PERFORMANCE_CHECK_COVERAGE", "false", "performance.check_coverage", False),
    ("CREDITWATCH_PERFORMANCE_AUC_DROP", "0.02", "performance.auc_drop", 0.02),
    ("CREDITWATCH_PERFORMANCE_CALIBRATION_BANDS", "3", "performance.calibration_bands", 3),
    ("CREDITWATCH_PERFORMANCE_PREDICTION_DRIFT_KS", "0.2", "performance.prediction_drift_ks",
     0.2),
    ("CREDITWATCH_API_KEY", "s3cret", "api.key", "s3cret"),
    ("CREDITWATCH_BATCH_MAX_SIZE", "3", "api.batch_max_size", 3),
    ("CREDITWATCH_COALESCE_MAX", "1", "api.coalesce_max", 1),
    ("CREDITWATCH_REASONS_MAX", "2", "api.reasons_max", 2),
    ("CREDITWATCH_OUTCOMES_MAX_ITEMS", "7", "api.outcomes_max_items", 7),
    ("CREDITWATCH_OUTCOMES_WAIT_S", "0.5", "api.outcomes_wait_s", 0.5),
    ("CREDITWATCH_MAX_BODY_BYTES", "4096", "api.max_body_bytes", 4096),
    ("CREDITWATCH_SPOOL_DIR", "/srv/spool", "api.spool_dir", Path("/srv/spool")),
    ("CREDITWATCH_WRITER_INTERVAL_S", "0.5", "api.writer_interval_s", 0.5),
    ("CREDITWATCH_LOG_LEVEL", "WARNING", "api.log_level", "WARNING"),
    ("CREDITWATCH_API_URL", "http://api:9000", "api.url", "http://api:9000"),
    ("CREDITWATCH_METRICS_MULTIPROCESS", "on", "api.metrics_multiprocess", "on"),
    ("CREDITWATCH_METRICS_DIR", "/srv/metrics", "api.metrics_dir", Path("/srv/metrics")),
    ("PROMETHEUS_MULTIPROC_DIR", "/srv/prom", "api.metrics_dir", Path("/srv/prom")),
    ("CREDITWATCH_MONITOR_REFRESH_S", "5", "api.monitor_refresh_s", 5.0),
    ("CREDITWATCH_MODEL_POLL_S", "0.5", "api.model_poll_s", 0.5),
    ("CREDITWATCH_ALERT_WINDOW_HOURS", "6", "alerts.window_hours", 6.0),
    ("CREDITWATCH_ALERT_ERROR_RATE", "0.1", "alerts.error_rate", 0.1),
    ("CREDITWATCH_ALERT_LATENCY_MEAN_MS", "250", "alerts.latency_mean_ms", 250.0),
    ("CREDITWATCH_ALERT_LATENCY_P95_MS", "400", "alerts.latency_p95_ms", 400.0),
    ("CREDITWATCH_ALERT_APPROVAL_MIN", "0.4", "alerts.approval_min", 0.4),
    ("CREDITWATCH_ALERT_APPROVAL_MAX", "0.9", "alerts.approval_max", 0.9),
    ("CREDITWATCH_ALERT_COOLDOWN_MINUTES", "15", "alerts.cooldown_minutes", 15.0),
    ("CREDITWATCH_ALERT_RETRIES", "5", "alerts.retries", 5),
    ("CREDITWATCH_ALERT_TIMEOUT_S", "2.5", "alerts.timeout_s", 2.5),
    ("CREDITWATCH_ALERT_SLACK_WEBHOOK_URL", "http://h/s", "alerts.slack_webhook_url", "http://h/s"),
    ("CREDITWATCH_ALERT_WEBHOOK_URL", "http://h/j", "alerts.webhook_url", "http://h/j"),
    ("CREDITWATCH_ALERT_SMTP_HOST", "mail.example.com", "alerts.smtp_host", "mail.example.com"),
    ("CREDITWATCH_ALERT_SMTP_PORT", "25", "alerts.smtp_port", 25),
    ("CREDITWATCH_ALERT_SMTP_STARTTLS", "false", "alerts.smtp_starttls", False),
    ("CREDITWATCH_ALERT_SMTP_USER", "ops", "alerts.smtp_user", "ops"),
    ("CREDITWATCH_ALERT_SMTP_PASSWORD", "pw", "alerts.smtp_password", "pw"),
    ("CREDITWATCH_ALERT_EMAIL_FROM", "cw@example.com", "alerts.email_from", "cw@example.com"),
    ("CREDITWATCH_ALERT_EMAIL_TO", '["a@example.com", "b@example.com"]', "alerts.email_to",
     ["a@example.com", "b@example.com"]),
    ("CREDITWATCH_ANALYTICS_REFRESH_S", "0", "analytics.refresh_s", 0.0),
    ("CREDITWATCH_ANALYTICS_FULL_CHECK_S", "5", "analytics.full_check_s", 5.0),
    ("CREDITWATCH_HEALTH_APPROVAL_LOW", "0.6", "health.approval_low", 0.6),
    ("CREDITWATCH_HEALTH_APPROVAL_HIGH", "0.9", "health.approval_high", 0.9),
    ("CREDITWATCH_HEALTH_LATENCY_GOOD_MS", "20", "health.latency_good_ms", 20.0),
    ("CREDITWATCH_HEALTH_ERROR_RATE_NORMAL", "0.02", "health.error_rate_normal", 0.02),
    ("CREDITWATCH_DASHBOARD_PORT", "8600", "dashboard.port", 8600),
    ("CREDITWATCH_DASHBOARD_CACHE_TTL_S", "3", "dashboard.cache_ttl_s", 3.0),
    ("CREDITWATCH_DASHBOARD_REFRESH_S", "5", "dashboard.refresh_s", 5.0),
    ("CREDITWATCH_DASHBOARD_API_TIMEOUT_S", "1", "dashboard.api_timeout_s", 1.0),
    ("CREDITWATCH_FAIRNESS_ATTRIBUTES", '["CODE_GENDER"]', "fairness.attributes", ["CODE_GENDER"]),
    ("CREDITWATCH_FAIRNESS_AGE_BANDS", "[30, 60]", "fairness.age_bands", [30.0, 60.0]),
    ("CREDITWATCH_FAIRNESS_AIR_THRESHOLD", "0.9", "fairness.air_threshold", 0.9),
    ("CREDITWATCH_FAIRNESS_LEVEL", "0.9", "fairness.level", 0.9),
    ("CREDITWATCH_FAIRNESS_GAP_ALPHA", "0.05", "fairness.gap_alpha", 0.05),
    ("CREDITWATCH_FAIRNESS_MIN_GROUP_SIZE", "50", "fairness.min_group_size", 50),
    ("CREDITWATCH_FAIRNESS_LOOKBACK_DAYS", "60", "fairness.lookback_days", 60.0),
]
FIRST_BY_PATH = list({path: (var, raw, path, want) for var, raw, path, want in FLAT}.values())


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No creditwatch variable set, and a working directory without ``.env``."""
    import os

    for name in [n for n in os.environ if n.startswith("CREDITWATCH_") or n == "DATABASE_URL"]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def read(settings: Settings, path: str) -> Any:
    group, name = path.split(".")
    value = getattr(getattr(settings, group), name)
    return value.get_secret_value() if isinstance(value, SecretStr) else value


@pytest.mark.parametrize(("variable", "raw", "path", "want"), FLAT, ids=[r[0] for r in FLAT])
def test_documented_flat_variables_set_their_grouped_field(
        environ: pytest.MonkeyPatch, variable: str, raw: str, path: str, want: Any) -> None:
    """Each documented flat variable still sets its setting, now read from its group."""
    environ.setenv(variable, raw)
    assert read(Settings(), path) == want


@pytest.mark.parametrize(("variable", "raw", "path", "want"), FIRST_BY_PATH,
                         ids=[r[2] for r in FIRST_BY_PATH])
def test_nested_variables_set_every_field(environ: pytest.MonkeyPatch, variable: str, raw: str,
                                          path: str, want: Any) -> None:
    """CREDITWATCH_<GROUP>__<FIELD> sets the same field as the flat name."""
    group, name = path.split(".")
    environ.setenv(f"CREDITWATCH_{group.upper()}__{name.upper()}", raw)
    assert read(Settings(), path) == want


def test_the_table_covers_every_field_and_every_flat_name() -> None:
    """Every grouped field appears above, and ``env_names`` lists exactly the nested form and
    the documented flat names."""
    fields = {f"{g}.{n}" for g, model in groups().items() for n in model.model_fields}
    assert fields == {path for _, _, path, _ in FLAT}
    listed = {name for g, model in groups().items() for n in model.model_fields
              for name in env_names(g, n)[1:]}
    assert listed == {variable for variable, *_ in FLAT}
    assert env_names("drift", "alpha") == ("CREDITWATCH_DRIFT__ALPHA", "CREDITWATCH_DRIFT_ALPHA")


def test_every_field_has_a_description() -> None:
    """Groups and fields all carry an operator-facing description (the reference page)."""
    assert all(f.description for f in Settings.model_fields.values())
    missing = [f"{g}.{n}" for g, model in groups().items()
               for n, f in model.model_fields.items() if not (f.description or "").strip()]
    assert missing == []


def test_docs_name_only_variables_that_work() -> None:
    """Every CREDITWATCH_* variable the README and the docs pages mention is one Settings
    reads."""
    texts = [(ROOT / "README.md").read_text(), *(p.read_text() for p in (ROOT / "docs").rglob("*.md"))]
    mentioned = set(re.findall(r"\bCREDITWATCH_[A-Z0-9_]*[A-Z0-9]", "\n".join(texts)))
    known = {name for g, model in groups().items() for n in model.model_fields
             for name in env_names(g, n)}
    assert mentioned and mentioned <= known


def test_precedence_constructor_env_dotenv(environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Constructor beats environment beats ``.env``; the nested form beats the flat names, and
    the newer flat name beats the older one."""
    (tmp_path / ".env").write_text("CREDITWATCH_DRIFT_ALPHA=0.02\nCREDITWATCH_DRIFT_MIN_ROWS=10\n"
                                   "CREDITWATCH_API__COALESCE_MAX=4\nDATABASE_URL=postgres://u@h/d\n"
                                   "CREDITWATCH_ALERT_EMAIL_TO=[\"x@example.com\"]\n")
    from_file = Settings()
    assert (from_file.drift.alpha, from_file.drift.min_rows, from_file.api.coalesce_max) == (
        0.02, 10, 4)
    assert from_file.store_url == "postgresql+psycopg://u@h/d"
    assert from_file.alerts.email_to == ["x@example.com"]
    environ.setenv("CREDITWATCH_DRIFT_MIN_ROWS", "30")
    environ.setenv("CREDITWATCH_DRIFT__ALPHA", "0.03")
    environ.setenv("CREDITWATCH_DRIFT_ALPHA", "0.04")
    environ.setenv("CREDITWATCH_ALERT_DRIFT_SHARE", "0.5")
    environ.setenv("CREDITWATCH_DRIFT_ALERT_SHARE", "0.6")
    s = Settings(drift={"max_rows": 80})
    assert (s.drift.alpha, s.drift.min_rows, s.drift.max_rows, s.drift.alert_share) == (
        0.03, 30, 80, 0.6)
    assert Settings(drift={"min_rows": 5}).drift.min_rows == 5
    assert Settings(_env_file=None).drift.min_rows == 30  # type: ignore[call-arg]


def test_defaults_and_derived_paths(environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Folders derive from the root unless set; the store and the spool default under data/."""
    s = Settings(paths={"root": tmp_path / "a" / ".." / "b"})
    root = (tmp_path / "b").resolve()
    assert (s.paths.root, s.paths.data, s.paths.artifacts, s.paths.reports) == (
        root, root / "data", root / "artifacts", root / "reports")
    assert s.paths.bundle_dir == root / "artifacts" / "model"
    assert s.store_url == f"sqlite:///{root / 'data' / 'creditwatch.db'}"
    assert s.spool_dir == root / "data" / "spool"
    moved = Settings(paths={"root": root, "data_dir": tmp_path / "d"},
                     api={"spool_dir": tmp_path / "s"})
    assert (moved.paths.data, moved.spool_dir) == (tmp_path / "d", tmp_path / "s")
    assert moved.store_url == f"sqlite:///{tmp_path / 'd' / 'creditwatch.db'}"
    assert Settings(store={"url": "postgres://u@h/x"}).store_url == "postgresql+psycopg://u@h/x"
    defaults = Settings()
    assert (defaults.drift.alert_share, defaults.drift.warning_share, defaults.model.cost_fn,
            defaults.model.cost_fp) == (0.30, 0.10, 10.0, 1.0)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"model": {"cost_fn": 0}}, "costs must be positive"),
    ({"model": {"cost_fp": -1}}, "costs must be positive"),
    ({"model": {"confidence_medium": 0.6, "confidence_high": 0.5}}, "confidence_medium"),
    ({"model": {"confidence_high": 1.0}}, "confidence_high < 1"),
    ({"model": {"shadow_share": 1.5}}, "shadow_share"),
    ({"drift": {"alpha": 0}}, "alpha"),
    ({"drift": {"warning_share": 0.4, "alert_share": 0.3}}, "warning_share <= alert_share"),
    ({"drift": {"alert_share": 1.5}}, "alert_share <= 1"),
    ({"drift": {"min_rows": 0}}, "min_rows"),
    ({"drift": {"max_rows": 49}}, "max_rows"),
    ({"drift": {"min_wasserstein": -0.1}}, "min_wasserstein"),
    ({"api": {"batch_max_size": 0}}, "batch_max_size"),
    ({"drift": {"max_row": 80}}, "max_row"),  # a misspelt field
    ({"fairness": {"attributes": ["GENDER"]}}, "not a field"),
    ({"fairness": {"attributes": ["AMT_INCOME_TOTAL"]}}, "only categorical fields"),
    ({"fairness": {"age_bands": [50, 30]}}, "increasing"),
    ({"fairness": {"air_threshold": 1.2}}, "air_threshold"),
])
def test_unsafe_values_are_refused(environ: pytest.MonkeyPatch, overrides: dict[str, Any],
                                   message: str) -> None:
    """Costs must be positive and bands, shares and limits consistent; typos are refused."""
    with pytest.raises(ValidationError, match=message):
        Settings(**overrides)


def test_unsafe_environment_is_refused(environ: pytest.MonkeyPatch) -> None:
    """A bad value in a variable fails at start-up with the field's name."""
    environ.setenv("CREDITWATCH_COST_FN", "0")
    with pytest.raises(ValidationError, match="costs must be positive"):
        Settings()


def test_replace_changes_a_copy_and_checks_it(environ: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``replace`` gives a changed, validated copy and leaves the original alone."""
    s = Settings(paths={"root": tmp_path}, api={"key": "k"})
    lenient = s.replace(drift={"warning_share": 0.25, "alert_share": 0.5})
    assert (lenient.drift.warning_share, lenient.drift.alert_share) == (0.25, 0.5)
    assert (s.drift.warning_share, s.drift.alert_share) == (0.10, 0.30)
    assert lenient.paths.root == tmp_path.resolve() and lenient.api.key == s.api.key
    with pytest.raises(ValidationError, match="warning_share"):
        s.replace(drift={"alert_share": 0.05})
    with pytest.raises(ValueError, match="unknown settings group"):
        s.replace(drfit={"alpha": 0.1})


def test_test_only_variables_are_not_settings(environ: pytest.MonkeyPatch) -> None:
    """TEST_DATABASE_URL and CI configure the test suite (tests/plugins), not creditwatch."""
    environ.setenv("CI", "true")
    environ.setenv("TEST_DATABASE_URL", "postgresql://x@y/z")
    dumped = str(Settings().model_dump())
    assert "postgresql://x@y/z" not in dumped
    assert not hasattr(Settings(), "ci") and not hasattr(Settings(), "test_database_url")
