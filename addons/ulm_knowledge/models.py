"""Models of ulm_knowledge: services (Leistungen) and answers (FAQ), each on a host KBItem, their
versions, the record of which version was given in a ticket, and the search tables."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class KnowledgeItem(models.Model):
    """What services and answers share: the host's KBItem underneath, the owner department, the
    lifecycle, validity and review dates, and the current version number."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: the host's Ticket.kbitem is on_delete=CASCADE; our item must be retired, and its
    # KBItem can never be deleted under it (services.guard_kbitem_delete covers the host's own).
    kbitem = models.OneToOneField(
        "helpdesk.KBItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("KB item")
    )
    external_id = models.CharField(_("external id"), max_length=100, unique=True, null=True)
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted for review by"),
    )
    review_reminded_on = models.DateField(_("review reminder sent on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Service(KnowledgeItem):
    """An administrative service (Leistung) with the standard text modules of a
    Leistungsbeschreibung (FIM/XZuFi, DLDB)."""

    name = models.CharField(_("service name"), max_length=300)
    # the readable public address /dienstleistungen/<slug>/, made from the name once and kept
    # when the name changes (links to it live on); the old address by uuid redirects there
    slug = models.SlugField(_("web address"), max_length=100, unique=True, editable=False)
    leika_keys = models.JSONField(_("LeiKa keys"), default=list, blank=True)
    keywords = models.TextField(_("keywords and synonyms"), blank=True)
    short_text = models.TextField(_("short text"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    documents = models.TextField(_("required documents"), blank=True)
    fees = models.TextField(_("fees"), blank=True)
    deadlines = models.TextField(_("deadlines"), blank=True)
    processing_time = models.TextField(_("processing time"), blank=True)
    procedure = models.TextField(_("procedure"), blank=True)
    forms = models.JSONField(_("forms and online services"), default=list, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    hints = models.TextField(_("hints"), blank=True)
    responsible_office = models.TextField(_("responsible office"), blank=True)
    contact_points = models.JSONField(
        _("contact points (address, opening hours)"), default=list, blank=True
    )
    plain_language = models.TextField(_("plain language version"), blank=True)
    # which kinds of request this service answers: the capture screen and the citizens' typed
    # form show it, and a typed ticket's suggestions start with it (linked by LeiKa key on import)
    request_types = models.ManyToManyField(
        "ulm_servicepoint.RequestType",
        blank=True,
        related_name="+",
        verbose_name=_("request types"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ulm_knowledge:service", args=[self.slug])


class Answer(KnowledgeItem):
    """A frequently asked question with its answer, a short version to read out on the phone,
    and the services it is about."""

    question = models.CharField(_("question"), max_length=500)
    answer = models.TextField(_("answer"))
    phone_text = models.TextField(_("short phone version"), blank=True)
    services = models.ManyToManyField(
        Service, blank=True, related_name="answers", verbose_name=_("services")
    )

    class Meta:
        ordering = ["question"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.question


class ItemVersion(models.Model):
    """One saved state of a service or answer: what it said from this version on."""

    kbitem = models.ForeignKey(
        "helpdesk.KBItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("KB item")
    )
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("content"))
    note = models.CharField(_("change note"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kbitem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kbitem", "number"], name="ulm_kb_version_unique")
        ]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self) -> str:
        return f"{self.kbitem_id} v{self.number}"


class AnswerUse(models.Model):
    """Provenance: which version of which item was given in which ticket. Also the usage
    signal: items that answered tickets like the query rank higher."""

    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    kbitem = models.ForeignKey(
        "helpdesk.KBItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("KB item")
    )
    version = models.PositiveIntegerField(_("version"))
    ticket_text = SearchVectorField(_("ticket text"), null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [GinIndex(fields=["ticket_text"], name="ulm_kb_use_text")]
        verbose_name = _("answer given")
        verbose_name_plural = _("answers given")

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.kbitem_id} v{self.version}"


class Feedback(models.TextChoices):
    HELPFUL = "helpful", _("Yes, that answered my question")
    NOT_HELPFUL = "not_helpful", _("No")


class SuggestionFeedback(models.Model):
    """A citizen's answer to "Hat das Ihre Frage beantwortet?" under a suggestion shown before
    they submit a form. Anonymous on purpose: no query, no address, no session is kept."""

    kbitem = models.ForeignKey(
        "helpdesk.KBItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("KB item")
    )
    feedback = models.CharField(_("answer"), max_length=20, choices=Feedback.choices)
    page = models.CharField(_("where it was shown"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggestion feedback")
        verbose_name_plural = _("suggestion feedback")

    def __str__(self) -> str:
        return f"{self.kbitem_id}: {self.feedback}"


class SearchEntry(models.Model):
    """The searchable form of a published item: one row per item, weighted German full text
    (``document``: A name, B keywords and compound parts, C short text; ``body``: the full
    text, kept apart so that ranking reads the small vector) and the title for trigrams."""

    kbitem = models.OneToOneField(
        "helpdesk.KBItem",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("KB item"),
    )
    kind = models.CharField(_("kind"), max_length=20)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=500)
    document = SearchVectorField(_("document"))
    body = SearchVectorField(_("full text"), null=True)
    name_norm = models.TextField(_("title, normalised"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uses = models.PositiveIntegerField(_("times given"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["document"], name="ulm_kb_entry_document"),
            GinIndex(fields=["body"], name="ulm_kb_entry_body"),
            GinIndex(fields=["name_norm"], name="ulm_kb_entry_name", opclasses=["gin_trgm_ops"]),
        ]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.title


class SearchPassage(models.Model):
    """A passage of an item's long text (a window of a few dozen words of one text module:
    Volltext, Voraussetzungen, Unterlagen, Hinweise …), so that a situation a query describes
    meets the paragraph that describes it: query words in one passage count together."""

    kbitem = models.ForeignKey(
        "helpdesk.KBItem", on_delete=models.CASCADE, related_name="+", verbose_name=_("KB item")
    )
    module = models.PositiveSmallIntegerField(_("text module"))
    vector = SearchVectorField(_("passage"))

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="ulm_kb_passage_vector"),
            models.Index(fields=["kbitem"], name="ulm_kb_passage_item"),
        ]
        verbose_name = _("search passage")
        verbose_name_plural = _("search passages")

    def __str__(self) -> str:
        return f"{self.kbitem_id}/{self.module}"


class LemmaWord(models.Model):
    """A word form and its lemma (from simplemma's German dictionary), kept only where the
    lemma is a word of the catalogue or a situation word: rebuilt with the vocabulary, so
    that a search process need not load the dictionary (3–5 s, 100 MB)."""

    word = models.CharField(_("word"), max_length=100, unique=True)
    lemma = models.CharField(_("lemma"), max_length=100)

    class Meta:
        verbose_name = _("lemma")
        verbose_name_plural = _("lemmas")

    def __str__(self) -> str:
        return f"{self.word} → {self.lemma}"


class LearnedWord(models.Model):
    """Evidence from the service center: a content word of tickets that an item answered
    (``AnswerUse``), with how many distinct tickets used it. Rebuilt by the worker; only words
    of the catalogue's vocabulary used in several tickets, never names, addresses or numbers."""

    kbitem = models.ForeignKey(
        "helpdesk.KBItem", on_delete=models.CASCADE, related_name="+", verbose_name=_("KB item")
    )
    lexeme = models.CharField(_("word stem"), max_length=100)
    tickets = models.PositiveIntegerField(_("tickets"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lexeme", "kbitem"], name="ulm_kb_learned_unique")
        ]
        verbose_name = _("learned word")
        verbose_name_plural = _("learned words")

    def __str__(self) -> str:
        return f"{self.lexeme} → {self.kbitem_id}"


class RequestTypeEntry(models.Model):
    """The searchable form of an active request type (ulm_servicepoint's Anliegenart), weighted
    as a ``SearchEntry``: ``document`` A its name and compound parts, B topic group and LeiKa
    keys, C the descriptions for citizens; ``body`` the words of its capture fields. Citizens
    and agents find request types through these words and the services linked to them."""

    request_type = models.OneToOneField(
        "ulm_servicepoint.RequestType",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("request type"),
    )
    title = models.CharField(_("title"), max_length=500)
    document = SearchVectorField(_("document"))
    body = SearchVectorField(_("full text"), null=True)
    name_norm = models.TextField(_("title, normalised"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("request type search entry")
        verbose_name_plural = _("request type search entries")

    def __str__(self) -> str:
        return self.title


class LexiconWord(models.Model):
    """A word of the catalogue's own vocabulary (normalised): the parts the decompounder splits
    compounds into and the words typos are corrected to. ``ndoc`` counts the items it occurs in."""

    word = models.CharField(_("word"), max_length=100, primary_key=True)
    ndoc = models.PositiveIntegerField(_("items"), default=0)
    in_names = models.BooleanField(_("occurs in names or keywords"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["word"]
        indexes = [GinIndex(fields=["word"], name="ulm_kb_lex_trgm", opclasses=["gin_trgm_ops"])]
        verbose_name = _("lexicon word")
        verbose_name_plural = _("lexicon words")

    def __str__(self) -> str:
        return self.word


class TermStat(models.Model):
    """How many searchable items contain a stemmed term (from ts_stat): the rarer, the more a
    match on it counts (IDF)."""

    lexeme = models.CharField(_("term"), max_length=200, primary_key=True)
    ndoc = models.PositiveIntegerField(_("items"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["lexeme"]
        indexes = [
            models.Index(
                fields=["lexeme"], name="ulm_kb_term_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]
        verbose_name = _("term statistic")
        verbose_name_plural = _("term statistics")

    def __str__(self) -> str:
        return f"{self.lexeme} ({self.ndoc})"


class Synonym(models.Model):
    """A colloquial word or abbreviation and what it means in the catalogue's words
    (``Perso`` → ``Personalausweis``). Editable; a German municipal default is shipped."""

    term = models.CharField(_("term"), max_length=200, unique=True)
    expansion = models.CharField(_("means"), max_length=500)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"
