"""The key figures' tables: pre-aggregated daily figures, monthly reports, quality reviews."""

from ulm_kpi.models.figures import DailyCalls, DailyFigure, DailyHandoffs, Refresh
from ulm_kpi.models.quality import QualityReview, QualitySample, QualityWeek, Rating, SampleKind

__all__ = [
    "DailyCalls",
    "DailyFigure",
    "DailyHandoffs",
    "QualityReview",
    "QualitySample",
    "QualityWeek",
    "Rating",
    "Refresh",
    "SampleKind",
]
