"""Cached resources (store, analytics, model bundle) and cached page data.

Resources live as long as the server (``st.cache_resource``), keyed by the store URL and
bundle folder, so a changed configuration gets new ones. Page data is cached for
``Settings.dashboard.cache_ttl_s`` seconds (``st.cache_data``): a page switch or an
auto-refresh within that time costs nothing, and after it the analytics layer only pulls the
rows added since its last refresh.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.dashboard import pagedata
from creditwatch.dashboard.status import ApiStatus, StoreStatus, probe_api, probe_store
from creditwatch.errors import CreditwatchError, ModelNotFoundError
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.store import Store

TTL = Settings().dashboard.cache_ttl_s
STATUS_TTL_S = 5  # API and store are re-probed at most this often (each probe is a round trip)
# What a page can meet when the store goes away between two queries.
STORE_ERRORS = (SQLAlchemyError, CreditwatchError, OSError)


def settings() -> Settings:
    """The settings of this run (cheap; read afresh so a changed environment is seen)."""
    return Settings()


@st.cache_resource(show_spinner=False)
def _store(url: str, timeout: int) -> Store:
    return Store(url, connect_timeout=timeout)


@st.cache_resource(show_spinner=False)
def _analytics(url: str, _settings: Settings) -> Analytics:
    return Analytics(_store(url, _settings.store.connect_timeout), settings=_settings)


def store(s: Settings) -> Store:
    return _store(s.store_url, s.store.connect_timeout)


def analytics(s: Settings | None = None) -> Analytics:
    s = s or settings()
    return _analytics(s.store_url, s)


@st.cache_data(ttl=STATUS_TTL_S, show_spinner=False)
def store_status(url: str, timeout: int) -> StoreStatus:
    try:
        return probe_store(_store(url, timeout))
    except STORE_ERRORS:  # an embedded store that cannot even be opened
        parsed = make_url(url)
        return StoreStatus(parsed.render_as_string(hide_password=True),
                           parsed.get_backend_name(), False)


@st.cache_data(ttl=STATUS_TTL_S, show_spinner=False)
def api_status(url: str, timeout_s: float) -> ApiStatus:
    return probe_api(url, timeout_s)


@st.cache_resource(show_spinner=False)
def _bundle(directory: str, mtime: float) -> ModelBundle:
    return load_bundle(directory)


def bundle(s: Settings) -> ModelBundle | None:
    """The model bundle (threshold, costs, importances), or None when there is none yet."""
    meta = s.paths.bundle_dir / "bundle.json"
    try:
        return _bundle(str(s.paths.bundle_dir), meta.stat().st_mtime)
    except (OSError, ModelNotFoundError):
        return None


@st.cache_data(ttl=TTL, show_spinner="Loading…")
def page_data(page: str, store_url: str, *args: Any) -> Any:
    """``pagedata.<page>(analytics, *args)``, cached per store, page and arguments."""
    s = settings()
    assert s.store_url == store_url
    return getattr(pagedata, page)(analytics(s), *args)


@st.cache_data(ttl=TTL, show_spinner="Explaining the reference sample…")
def reason_mix(store_url: str, bundle_dir: str, mtime: float, period: str) -> Any:
    """``pagedata.reasons`` for the bundle in ``bundle_dir`` (``mtime``: a new bundle is a new
    entry), cached per store and period; None without a bundle."""
    s = settings()
    assert s.store_url == store_url and str(s.paths.bundle_dir) == bundle_dir
    loaded = bundle(s)
    return None if loaded is None else pagedata.reasons(analytics(s), loaded, period)


def load(page: str, *args: Any) -> Any:
    return page_data(page, settings().store_url, *args)


def store_caption(s: Settings) -> str:
    status = store_status(s.store_url, s.store.connect_timeout)
    mark = ":green[:material/circle:]" if status.reachable else ":red[:material/circle:]"
    return f"{mark} store: {status.label} · `{status.url}`"
