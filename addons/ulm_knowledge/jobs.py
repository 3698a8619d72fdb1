"""Background jobs of ulm_knowledge (procrastinate). Each is one call into services."""

from procrastinate.contrib.django import app

from ulm_knowledge import services


@app.periodic(cron="0 7 * * 1-5", periodic_id="kb-review-reminders")
@app.task(name="ulm_knowledge.review_reminders", queue="default", queueing_lock="kb-review")
def review_reminders(timestamp: int) -> None:
    """Working days at 7:00: remind owner departments of items whose review is due."""
    services.send_review_reminders()


@app.periodic(cron="30 2 * * *", periodic_id="kb-reindex")
@app.task(name="ulm_knowledge.reindex", queue="default", queueing_lock="kb-reindex")
def reindex(timestamp: int) -> None:
    """Nightly: vocabulary, term statistics and validity dates brought up to date."""
    services.reindex()


@app.periodic(cron="0 3 * * *", periodic_id="kb-learned-words")
@app.task(name="ulm_knowledge.learned_words", queue="default", queueing_lock="kb-learned")
def learned_words(timestamp: int) -> None:
    """Nightly, after the reindex: the answers given become evidence for their items."""
    services.rebuild_learned_words()
