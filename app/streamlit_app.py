"""creditwatch monitoring dashboard: `creditwatch dashboard` (or `streamlit run app/streamlit_app.py`).

This entry script is the frame around every page: page config, navigation, the shared sidebar
(period filter, auto-refresh toggle, store and model status). Each page is a small module in
views/; the data they show comes from creditwatch's analytics layer, never from SQL here.
"""

from __future__ import annotations

import streamlit as st
from components import sidebar

st.set_page_config(page_title="creditwatch monitoring", page_icon=":material/monitoring:", layout="wide")

PAGES = [
    st.Page("views/home.py", title="Home", icon=":material/home:", url_path="home", default=True),
    st.Page("views/overview.py", title="Overview", icon=":material/monitoring:", url_path="overview"),
    st.Page("views/performance.py", title="Performance", icon=":material/speed:", url_path="performance"),
    st.Page("views/business.py", title="Business", icon=":material/business_center:", url_path="business"),
    st.Page("views/fairness.py", title="Fairness", icon=":material/balance:", url_path="fairness"),
    st.Page("views/drift.py", title="Data Drift", icon=":material/waterfall_chart:", url_path="drift"),
    st.Page("views/model.py", title="Model", icon=":material/model_training:", url_path="model"),
    st.Page("views/models.py", title="Models", icon=":material/compare_arrows:", url_path="models"),
]

page = st.navigation(PAGES)
sidebar.render()
page.run()
