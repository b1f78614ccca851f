"""The fuzz walk: every URL pattern the resolver knows, as one role, with malformed
query strings and form bodies.

A pattern is found by walking the resolver, so a new view is fuzzed once it is
added; its path arguments come from ``path_values`` (real objects of the world)
or, for an argument nobody named, from the first object of the world.

For each address the walk first GETs it cleanly and reads the forms of the page
(and of every page seen before that posts to it): the names and plausible values a
browser would send. Then it sends GETs and POSTs where one to three of those
values, or all of them, are replaced by one of ``BAD_VALUES``; some requests carry
bytes that are not UTF-8 or a NUL in the raw query string or body. Everything is
seeded: the same seed sends the same requests.
"""

import dataclasses
import logging
import random
import re
import urllib.parse
from html.parser import HTMLParser

from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

BAD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "+1",
    "1.5",
    "1e400",
    "NaN",
    "inf",
    "²",
    "1²",
    "٣",
    "١٢",
    "\uff19",  # a full-width nine
    "9" * 30,
    "-" + "9" * 30,
    "2147483648",
    "9223372036854775808",
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "10000-01-01",
    "1999-12-31",
    "2100-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0001-01-01 00:00:00",
    "2026-13",
    "9999-12",
    "0000-01",
    "2026-03-01T25:61",
    "24:00",
    "99:99",
    "-2026-01-01",
    "\x00",
    "a\x00b",
    "1\x00",
    "x" * 5000,
    "Ạ" * 3000,
    "😀",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "true",
    "null",
    "[]",
    "{}",
    "%",
    "%00",
    "..",
    "/",
    "-latitude",
    "FREQ=YEARLY;COUNT=999999999",
    "FREQ=SECONDLY",
    "FREQ=WEEKLY;UNTIL=99991231T000000Z",
    '=HYPERLINK("http://example.test")',
]
# For each kind of input, the values a careless or hostile client sends in its place.
TYPED_BAD_VALUES = {
    "date": ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01", "2026-02-30"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:59"],
    "month": ["0001-01", "9999-12", "2026-13"],
    "time": ["24:00", "23:59:60"],
    "number": ["²", "9" * 25, "-1", "1e400"],
    "select": ["²", "9" * 25, "-1"],
    "hidden": ["²", "0001-01-01T00:00", "9" * 25],
    "text": ["\x00", "0001-01-01"],
    "textarea": ["\x00"],
}
# Raw pieces spliced into a query string or body as they are: not UTF-8, or a NUL.
RAW_PIECES = [b"%FF%FE", b"%C0%AF", b"%ED%A0%80", b"%00", b"\xff", b"\xc3", b"%E2%82"]
# Names many views read; sent even where no form shows them.
COMMON_NAMES = [
    "page",
    "day",
    "month",
    "year",
    "ward",
    "unit",
    "group",
    "hotspot",
    "start",
    "end",
    "format",
    "view",
    "sort",
    "o",
    "p",
    "q",
    "e",
    "id",
    "status",
    "kind",
    "area",
    "days",
    "quarter",
    "category",
    "next",
    "lang",
    "occurred_at",
    "at",
    "key",
]
# Where a POST would end the role's session, or delete in the admin what the rest
# of the walk needs (the role's own account among it): GET only.
SKIP_POST = {"logout"}


def _skips_post(name) -> bool:
    name = name or ""
    return name.split(":")[-1] in SKIP_POST or (
        name.startswith("admin:") and name.endswith("_delete")
    )


@dataclasses.dataclass
class Counter:
    requests: int = 0
    by_status: dict = dataclasses.field(default_factory=dict)
    failures: list = dataclasses.field(default_factory=list)

    def record(self, status):
        self.requests += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1


def patterns(resolver=None, prefix="", namespace=None):
    """(regex, name, converters, view) for every URL pattern, depth first."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from patterns(entry, prefix + _regex(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + _regex(entry.pattern), name, entry.pattern.converters


def _regex(pattern) -> str:
    return pattern.regex.pattern.removeprefix("^").removesuffix(r"\Z").removesuffix("$")


def build_path(regex: str, values: dict) -> str:
    """The pattern's path with its groups filled from ``values`` (name → text)."""
    text = regex
    for name in re.findall(r"\(\?P<(\w+)>", regex):
        text = _replace_group(text, name, values[name])
    path = "/" + text.replace("\\", "")
    return path


def _replace_group(regex: str, name: str, value: str) -> str:
    start = regex.index(f"(?P<{name}>")
    depth, index = 0, start
    while True:
        char = regex[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                break
        index += 1
    return regex[:start] + urllib.parse.quote(value, safe="") + regex[index + 1 :]


class FormReader(HTMLParser):
    """The forms of a page: action, method and what a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.links = set()
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action") or "",
                    "method": (attrs.get("method") or "get").lower(),
                    "fields": {},
                    "kinds": {},
                }
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        kinds = self.forms[-1]["kinds"]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            kinds[name] = kind
            # As a person fills it in: boxes as ticked, the first of radios, what
            # the page filled in, and something plausible where a value is required.
            if kind == "checkbox":
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "on")
            elif kind == "radio":
                if "checked" in attrs or name not in fields:
                    fields[name] = attrs.get("value", "on")
            elif kind == "file":
                return
            elif attrs.get("value"):
                fields[name] = attrs["value"]
            elif "required" in attrs or kind in {"date", "datetime-local", "time", "month"}:
                fields[name] = _plausible(kind)
            else:
                fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            kinds[name] = "select"
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if "selected" in attrs or (value and not fields.get(self._select)):
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            kinds[name] = "textarea"
            fields[name] = "Nội dung thử"

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _plausible(kind: str) -> str:
    return {
        "date": "2026-03-02",
        "datetime-local": "2026-03-02T08:00",
        "time": "08:00",
        "month": "2026-03",
        "number": "1",
        "email": "a@example.test",
        "tel": "0912345678",
        "url": "https://example.test/",
    }.get(kind, "thử")


def read_page(response, path: str):
    """The forms of a response (HTML only) with their actions made absolute."""
    if "html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return []
    reader = FormReader()
    try:
        reader.feed(response.content.decode("utf-8", "replace"))
    except AssertionError:
        return []
    for form in reader.forms:
        form["action"] = urllib.parse.urljoin(path, form["action"]).split("?")[0]
    return reader.forms


def first_pk(model_label: str):
    model = apps.get_model(model_label)
    return model._base_manager.order_by("pk").values_list("pk", flat=True).first()


class Walk:
    """One role's walk; ``client`` is logged in as the role (or not at all)."""

    def __init__(self, *, client, login, seed, path_values, rounds, staff):
        self.client = client
        self.staff = staff
        self.login = login
        self.random = random.Random(seed)
        self.path_values = path_values
        self.rounds = rounds
        self.counter = Counter()
        self.forms_by_action = {}

    def addresses(self):
        """(name, path) for every pattern, with its arguments filled in."""
        found = []
        for regex, name, _converters in patterns():
            groups = re.findall(r"\(\?P<(\w+)>", regex)
            for values in self.path_values(name, groups):
                found.append((name, build_path(regex, values)))
        return found

    def run(self):
        # Each refused request would log a warning; thousands of them only slow the walk.
        quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.CRITICAL)
        try:
            return self._run()
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)

    def _run(self):
        addresses = self.addresses()
        for _name, path in addresses:
            self.login()
            response = self.send("GET", path, query=b"")
            if response is not None:
                for form in read_page(response, path):
                    self.forms_by_action.setdefault(form["action"] or path, []).append(form)
        for name, path in addresses:
            admin = path.startswith("/admin/")
            if admin and not self.staff:
                continue  # refused at the door, as the clean GET above showed
            self.login()
            if not admin:  # Django's own admin gets the random rounds only
                self._sweep(path)
            fields = self._fields_for(path)
            for _round in range(1 if admin else self.rounds):
                self.send("GET", path, query=self._mutated(fields))
                if not _skips_post(name):
                    self.send("POST", path, body=self._mutated(fields))
        return self.counter

    def _sweep(self, path):
        """Each field of each form sent to ``path`` in turn, with each bad value of
        its kind, the other fields as the page filled them in."""
        seen = set()
        for form in self.forms_by_action.get(path, []):
            signature = (form["method"], tuple(sorted(form["fields"])))
            if signature in seen:
                continue
            seen.add(signature)
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            for name, kind in form["kinds"].items():
                if name not in fields:
                    continue
                for value in TYPED_BAD_VALUES.get(kind, ()):
                    encoded = urllib.parse.urlencode({**fields, name: value}).encode("ascii")
                    if form["method"] == "post":
                        self.send("POST", path, body=encoded)
                    else:
                        self.send("GET", path, query=encoded)

    def _fields_for(self, path):
        fields = {}
        for form in self.forms_by_action.get(path, []):
            fields.update(form["fields"])
        fields.pop("csrfmiddlewaretoken", None)
        return fields

    def _mutated(self, fields) -> bytes:
        data = dict(fields)
        names = list(data) or self.random.sample(COMMON_NAMES, 3)
        pick = self.random.random()
        if pick < 0.15:
            chosen = names
        else:
            chosen = self.random.sample(names, min(len(names), self.random.randint(1, 3)))
        if self.random.random() < 0.3:
            chosen = [*chosen, self.random.choice(COMMON_NAMES)]
        for name in chosen:
            data[name] = self.random.choice(BAD_VALUES)
        encoded = urllib.parse.urlencode(data).encode("ascii")
        if self.random.random() < 0.15:
            name = self.random.choice(chosen).encode("utf-8", "replace")
            piece = self.random.choice(RAW_PIECES)
            encoded += b"&" + urllib.parse.quote_from_bytes(name).encode() + b"=1" + piece
        return encoded

    def send(self, method, path, *, query=b"", body=None):
        try:
            # A savepoint each: a database error must not end the walk's transaction.
            with transaction.atomic():
                if method == "GET":
                    response = self.client.generic(
                        "GET", path, QUERY_STRING=query.decode("latin-1")
                    )
                else:
                    response = self.client.generic(
                        "POST", path, body, content_type="application/x-www-form-urlencoded"
                    )
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
        except Exception as error:
            self.counter.record(500)
            self.counter.failures.append((method, path, query or body, repr(error)[:300]))
            return None
        self.counter.record(response.status_code)
        if response.status_code >= 500:
            self.counter.failures.append((method, path, query or body, response.status_code))
        return response
