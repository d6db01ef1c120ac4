"""One ``Settings`` object, read from the environment and ``.env``; no other module reads os.environ.

Settings come in groups (``settings.drift.alpha``, ``settings.api.key``, ...; the group models
live in :mod:`creditwatch.config_groups`). A field is set by its documented flat variable
(``CREDITWATCH_DRIFT_ALPHA``, ``DATABASE_URL``, ...) or by the nested form
``CREDITWATCH_<GROUP>__<FIELD>`` (``CREDITWATCH_DRIFT__ALPHA``); :func:`env_names` lists both.
Precedence: constructor arguments, then the environment, then ``.env``; within one of these,
the nested form before the flat names, and the flat names in the order listed.

Every path is derived from one project root (``CREDITWATCH_ROOT``, default: the checkout that
holds this package, else the working directory), so nothing hard-codes an absolute path.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from creditwatch.config_groups import (
    AlertsConfig,
    AnalyticsConfig,
    ApiConfig,
    DashboardConfig,
    DriftConfig,
    FairnessConfig,
    Group,
    HealthConfig,
    ModelConfig,
    PathsConfig,
    PerformanceConfig,
    StoreConfig,
)

PREFIX = "CREDITWATCH_"
NESTED = "__"


class Settings(BaseSettings):
    """Runtime configuration, in groups; variables use the ``CREDITWATCH_`` prefix."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_nested_delimiter=NESTED, env_file=".env", extra="ignore",
        validate_default=True,
    )

    paths: PathsConfig = Field(default_factory=PathsConfig,
                               description="Project folders.")
    store: StoreConfig = Field(default_factory=StoreConfig,
                               description="The prediction store (database).")
    model: ModelConfig = Field(default_factory=ModelConfig,
                               description="Training and scoring: error costs, confidence "
                                           "bands, seed.")
    drift: DriftConfig = Field(default_factory=DriftConfig,
                               description="Drift detection per time window.")
    performance: PerformanceConfig = Field(default_factory=PerformanceConfig,
                                           description="Model performance per window: "
                                                       "maturity, estimate bands, concept "
                                                       "drift and their alerts.")
    api: ApiConfig = Field(default_factory=ApiConfig,
                           description="The scoring API and how clients reach it.")
    alerts: AlertsConfig = Field(default_factory=AlertsConfig,
                                 description="Alert rules (`creditwatch alerts check`) and "
                                             "their notifiers.")
    analytics: AnalyticsConfig = Field(default_factory=AnalyticsConfig,
                                       description="The local DuckDB copy of the store.")
    health: HealthConfig = Field(default_factory=HealthConfig,
                                 description="Healthy bands of the KPIs (the alert thresholds "
                                             "are the other edge).")
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig,
                                       description="The Streamlit dashboard.")
    fairness: FairnessConfig = Field(default_factory=FairnessConfig,
                                     description="Protected attributes and fairness alerts.")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The nested form (pydantic-settings' own sources), each followed by the flat names
        read from the same variables."""
        assert isinstance(env_settings, EnvSettingsSource)  # dotenv's source derives from it
        assert isinstance(dotenv_settings, EnvSettingsSource)
        return (init_settings, env_settings, FlatNames(settings_cls, env_settings.env_vars),
                dotenv_settings, FlatNames(settings_cls, dotenv_settings.env_vars),
                file_secret_settings)

    @property
    def store_url(self) -> str:
        """The SQLAlchemy URL of the prediction store: ``store.url``, else the embedded
        SQLite file under the data folder."""
        url = self.store.url
        if not url:
            return f"sqlite:///{self.paths.data / 'creditwatch.db'}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url

    @property
    def spool_dir(self) -> Path:
        """Local append-only spool of records not yet in the store."""
        return self.api.spool_dir or self.paths.data / "spool"

    @property
    def metrics_dir(self) -> Path:
        """Folder of the API workers' metric files (multiprocess mode)."""
        return self.api.metrics_dir or self.paths.data / "metrics"

    def replace(self, **groups: Mapping[str, Any]) -> Settings:
        """A copy with some fields changed, checked like the original:
        ``settings.replace(drift={"alpha": 0.01})``."""
        data = self.model_dump()
        for group, changes in groups.items():
            if group not in data:
                raise ValueError(f"unknown settings group {group!r}; known: {sorted(data)}")
            data[group] = {**data[group], **changes}
        return type(self).model_validate(data)


def groups() -> dict[str, type[Group]]:
    """Each group's name and model, in declaration order."""
    out: dict[str, type[Group]] = {}
    for name, field in Settings.model_fields.items():
        assert isinstance(field.annotation, type) and issubclass(field.annotation, Group)
        out[name] = field.annotation
    return out


def env_names(group: str, name: str) -> tuple[str, ...]:
    """The variables that set ``settings.<group>.<name>``, first one first: the nested form,
    then the documented flat names."""
    return (f"{PREFIX}{group}{NESTED}{name}".upper(), *flat_names(groups()[group], name))


def flat_names(model: type[Group], name: str) -> tuple[str, ...]:
    """The documented flat variables of a field: its own ``env`` list if it has one, else the
    group's flat prefix and the field name (``CREDITWATCH_DRIFT_ALPHA``)."""
    extra = model.model_fields[name].json_schema_extra
    listed = extra.get("env") if isinstance(extra, dict) else None
    if isinstance(listed, list):
        return tuple(str(n) for n in listed)
    return (f"{PREFIX}{model.FLAT}{name}".upper(),)


class FlatNames(PydanticBaseSettingsSource):
    """The values the flat variables give, from one source's (case-folded) variables."""

    def __init__(self, settings_cls: type[BaseSettings],
                 variables: Mapping[str, str | None]) -> None:
        super().__init__(settings_cls)
        self.variables = variables

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads every group at once

    def __call__(self) -> dict[str, Any]:
        found: dict[str, dict[str, Any]] = {}
        for group, model in groups().items():
            for name, field in model.model_fields.items():
                for variable in flat_names(model, name):
                    value = self.variables.get(variable.lower())
                    if value is not None:
                        if self.field_is_complex(field):  # a list: JSON in the variable
                            value = self.decode_complex_value(name, field, value)
                        found.setdefault(group, {})[name] = value
                        break
        return found


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
