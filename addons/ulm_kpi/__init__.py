"""ulm_kpi: the 115 key figures (dashboard, exports, monthly report) and quality sampling."""
