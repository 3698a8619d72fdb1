"""The key figures' tables: pre-aggregated daily figures, monthly reports, quality reviews."""

from ulm_kpi.models.figures import (
    DailyCalls,
    DailyFigure,
    DailyHandoffs,
    DailyItemUse,
    DailyRatings,
    Refresh,
)
from ulm_kpi.models.quality import QualityReview, QualitySample, QualityWeek, Rating, SampleKind
from ulm_kpi.models.report import MonthlyReport

__all__ = [
    "DailyCalls",
    "DailyFigure",
    "DailyHandoffs",
    "DailyItemUse",
    "DailyRatings",
    "MonthlyReport",
    "QualityReview",
    "QualitySample",
    "QualityWeek",
    "Rating",
    "Refresh",
    "SampleKind",
]
