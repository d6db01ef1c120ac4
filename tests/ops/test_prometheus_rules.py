"""ops/prometheus: the scrape config and alert rules are valid, their unit tests pass under
the real ``promtool``, every alert has a unit test, and the thresholds are creditwatch's."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from creditwatch.config import Settings

PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "ops" / "prometheus"
RULES = PROMETHEUS_DIR / "rules" / "creditwatch.yml"
UNIT_TESTS = PROMETHEUS_DIR / "tests" / "creditwatch_test.yml"


def rules() -> dict[str, dict[str, object]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {str(r.get("alert") or r["record"]): r for g in groups for r in g["rules"]}


def promtool_run(promtool: str, *args: str) -> str:
    done = subprocess.run([promtool, *args], cwd=PROMETHEUS_DIR, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("args", [("check", "config", "prometheus.yml"),
                                  ("check", "rules", "rules/creditwatch.yml"),
                                  ("test", "rules", "tests/creditwatch_test.yml")],
                         ids=["check-config", "check-rules", "test-rules"])
def test_promtool_accepts_the_config_and_the_rules_pass_their_unit_tests(
        promtool: str, args: tuple[str, ...]) -> None:
    """``promtool check config``, ``check rules`` and ``test rules`` all succeed."""
    promtool_run(promtool, *args)


def test_promtool_unit_tests_fail_when_a_threshold_is_wrong(promtool: str,
                                                            tmp_path: Path) -> None:
    """The unit tests can fail: with the error-rate threshold raised to 50 % the
    ``test rules`` run exits non-zero."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    text = RULES.read_text().replace("creditwatch:scoring_error_ratio:rate5m > 0.05",
                                     "creditwatch:scoring_error_ratio:rate5m > 0.5")
    (tmp_path / "rules" / "creditwatch.yml").write_text(text)
    (tmp_path / "tests" / "t.yml").write_text(UNIT_TESTS.read_text())
    done = subprocess.run([promtool, "test", "rules", "tests/t.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0 and "CreditwatchHighErrorRate" in done.stdout + done.stderr


def test_every_alert_has_a_unit_test() -> None:
    """Each alert of the rules file is named in at least one ``alert_rule_test``."""
    tested = {case["alertname"] for test in yaml.safe_load(UNIT_TESTS.read_text())["tests"]
              for case in test.get("alert_rule_test", [])}
    alerts = {name for name, rule in rules().items() if "alert" in rule}
    assert alerts - tested == set()
    assert {"CreditwatchHighErrorRate", "CreditwatchHighLatencyP95", "CreditwatchDataDrift",
            "CreditwatchEstimatedAucBelowBand", "CreditwatchNoTraffic",
            "CreditwatchWriteQueueGrowing"} <= alerts


def test_thresholds_are_creditwatchs_defaults() -> None:
    """The error-rate, p95 latency and drift-share thresholds equal the defaults of
    alerts.error_rate, alerts.latency_p95_ms and drift.alert_share (one set of numbers)."""
    s = Settings()
    found = rules()

    def threshold(alert: str) -> float:
        match = re.search(r">\s*([0-9.]+)\s*$", str(found[alert]["expr"]).strip())
        assert match, found[alert]["expr"]
        return float(match.group(1))

    assert threshold("CreditwatchHighErrorRate") == s.alerts.error_rate
    assert threshold("CreditwatchHighLatencyP95") * 1e3 == s.alerts.latency_p95_ms
    assert threshold("CreditwatchDataDrift") == s.drift.alert_share
