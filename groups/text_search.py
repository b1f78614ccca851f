"""Text search as Vietnamese users type: with or without diacritics, small typos forgiven.

One rule for every list with a search box (the report inbox, the dashboard,
mediation cases, hotspots):

- Text and query are *folded* alike: lower case, Vietnamese letters without their
  marks ("Bạch Đằng" → "bach dang", đ → d). In the database that is
  ``tuquan_fold(text)``, a plain SQL function (groups/migrations/0022) that the
  trigram indexes are built on; here it is `fold`, which gives the same text.
- Where PostgreSQL has ``pg_trgm`` (every production and CI server), a row matches
  when the folded query is similar enough to a stretch of the folded text
  (``%>``, word similarity at pg_trgm's threshold of 0.6: "bach dnag" finds
  "Bạch Đằng"), served by a GIN trigram index on the folded expression. Without it
  (the embedded PostgreSQL of ``make run``, built without contrib modules) the
  folded query must occur in the folded text as it is: diacritics are still
  optional, typos are not forgiven.

Who may search what stays with each model's ``visible_to``: a search only
narrows a queryset that is already scoped (docs/search.md).
"""

import unicodedata

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import BooleanField, Func, Q, TextField, Value
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

# The letters folded, lower and upper case; the SQL function has the same two strings.
MARKED = (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)
PLAIN = (
    "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"
    "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"
)
_FOLD = str.maketrans(MARKED, PLAIN)

# A search box takes a few words: longer input is a field error, not a slow query.
MAX_QUERY_LENGTH = 100
MIN_QUERY_LENGTH = 2

# A search's results are counted and paged up to here. Counting every report with
# a common word ("xe may") in a province's million costs more than the page itself,
# and forty pages on, one adds a word or a filter rather than reads on.
MATCHES_COUNTED = 1000


def fold(text: str) -> str:
    """`text` as ``tuquan_fold`` makes it: NFC, Vietnamese marks off, lower case,
    runs of white space as one space."""
    folded = unicodedata.normalize("NFC", text).translate(_FOLD).lower()
    return " ".join(folded.split())


class Folded(Func):
    """``tuquan_fold(a || ' ' || b …)``: the folded text the stored ``search_text``
    columns of reports and mediation cases hold, and that a search folds as it reads
    for the tables without one (hotspots, place names)."""

    template = "tuquan_fold(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class _Matches(Func):
    # tuquan_matches(text, query) (groups/migrations/0022): pg_trgm's "%>" where the
    # server has it, else strpos; a one-line SQL function that PostgreSQL inlines,
    # so the trigram index still serves it.
    function = "tuquan_matches"
    output_field = BooleanField()


def matches(query: str, text) -> Q:
    """A condition: the folded `text` (an expression: ``Folded(…)`` written as the
    index on it is, or a column that holds the folded text) matches the already
    folded `query`."""
    return Q(_Matches(text, Value(query, output_field=TextField())))


class _Like(Func):
    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def contains(query: str, text) -> Q:
    """A condition: the folded `text` holds the folded `query` as it is.

    ``LIKE '%…%'`` on the same expression as ``matches``: the trigram index serves
    it too, and since every trigram of the query must be there, it hands back far
    fewer rows to check than the similarity search (docs/search.md, "Speed").
    """
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Q(_Like(text, Value(f"%{escaped}%", output_field=TextField())))


def search(queryset, *, query: str | None, text, places: tuple[str, ...]):
    """`queryset` narrowed to the rows whose folded `text` (as for `matches`) or
    place (`places`, foreign keys to Area) matches `query`, already folded.

    The text as typed first (diacritics optional); only when that finds nothing,
    the similarity search that forgives typos: most searches are typed right,
    and the exact one is the cheap one. One query more than the list itself.
    """
    if not query:
        return queryset
    by_place = place_condition(query, *places)
    exact = queryset.filter(contains(query, text) | by_place)
    if exact.exists():
        return exact
    return queryset.filter(matches(query, text) | by_place)


def place_condition(query: str, *fields: str) -> Q:
    """Rows whose area in any of `fields` (foreign keys to Area) is named like `query`.

    One query on the areas (a few thousand rows), so that the rows' condition is a
    plain list of ids that their foreign-key indexes serve.
    """
    from groups.models import Area

    places = list(
        Area.objects.filter(matches(query, Folded("name"))).values_list("pk", flat=True)[:200]
    )
    condition = Q()
    for field in fields if places else ():
        condition |= Q(**{f"{field}__in": places})
    return condition


class SearchField(forms.CharField):
    """The search box: a few words, checked, handed on folded (or None when empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault(
            "help_text", _("Words of the text, the address or the place; accents optional.")
        )
        super().__init__(**kwargs)
        self.widget.input_type = "search"
        self.widget.attrs.setdefault("maxlength", MAX_QUERY_LENGTH)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if any(unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") for char in value):
            raise forms.ValidationError(_("The search may hold only letters, digits and signs."))
        folded = fold(value)
        if len(folded.replace(" ", "")) < MIN_QUERY_LENGTH:
            raise forms.ValidationError(_("Type at least two letters to search."))
        return folded


class SearchFilter(django_filters.CharFilter):
    """A FilterSet's search box; its FilterSet's `method` does the matching."""

    field_class = SearchField

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        super().__init__(**kwargs)


class SearchResultsPaginator(Paginator):
    """Pages of search results: at most MATCHES_COUNTED of them are counted and paged
    through, and ``more`` says whether there were more. The count reads no further
    than the first MATCHES_COUNTED + 1 matches, and a first page with room to spare
    is the count: a search that finds a few rows or none, most often one with a typo,
    costs one query instead of two that each check every candidate row."""

    def validate_number(self, number):
        # The first page is always there, empty or not: no need to count for it.
        if str(number) == "1":
            return 1
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        if number != 1 or "_matches" in self.__dict__:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["_matches"] = len(rows)
        return self._get_page(rows, 1, self)

    @cached_property
    def _matches(self) -> int:
        return self.object_list[: MATCHES_COUNTED + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._matches, MATCHES_COUNTED)

    @property
    def more(self) -> bool:
        return self._matches > MATCHES_COUNTED


def list_paginator(filterset, per_page: int) -> Paginator:
    """The paginator of `filterset`'s rows, a list whose search box is ``q``: an exact
    count, or with a search, a SearchResultsPaginator's."""
    rows = filterset.qs  # validates the form first
    query = filterset.form.cleaned_data.get("q") if filterset.is_bound else None
    return (SearchResultsPaginator if query else Paginator)(rows, per_page)
