"""The vault: text kept encrypted at rest, such as a reporter's name and phone.

Values are sealed with Fernet (AES-128-CBC with HMAC-SHA256) under the keys in
settings.FIELD_ENCRYPTION_KEYS, newest first: the newest seals, every key still
opens. To rotate, put a new key first, run ``manage.py rotate_field_key``
(``rotate_sealed_fields``), then drop the old key.

A database dump therefore shows only tokens; whoever also holds the key (the
running application) sees plain text.
"""

import functools
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _


class UnsealError(Exception):
    """A sealed value that no configured key opens: a missing key, or tampering."""


# Keyed by the tuple of keys, so a changed setting (a rotation, a test) gets
# its own MultiFernet instead of a stale one.
@functools.lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    fernets = [Fernet(key) for key in keys]
    return MultiFernet(fernets), fernets[0]


def _all_keys() -> MultiFernet:
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))[0]


def _newest_key() -> Fernet:
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))[1]


# Error messages never include the token or the text: both end up in logs.
_CANNOT_UNSEAL = "a sealed value cannot be opened with any key in FIELD_ENCRYPTION_KEY"


def seal(plaintext: str) -> str:
    return _all_keys().encrypt(plaintext.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return _all_keys().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise UnsealError(_CANNOT_UNSEAL) from None


def reseal(token: str) -> str:
    """The same text sealed under the newest key (its original timestamp kept)."""
    try:
        return _all_keys().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        raise UnsealError(_CANNOT_UNSEAL) from None


def _sealed_with_newest_key(token: str) -> bool:
    try:
        _newest_key().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


class EncryptedTextField(models.TextField):
    """Text stored sealed and read back as plain text; the empty string stays empty.

    The stored value is different at every save, so the field cannot be
    filtered on (only ``__isnull``), indexed or unique.
    """

    description = _("Encrypted text")

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return unseal(value)

    # Every value on its way to the database passes here, also the ones that
    # bulk_update wraps in CASE expressions. Lookups would pass here too and
    # compare against a freshly sealed value, so they are refused below.
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return seal(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name):
        return None

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "EncryptedTextField cannot be unique, indexed or a primary key: "
                    "its stored value changes at every save.",
                    obj=self,
                    id="reports.E001",
                )
            )
        return errors


def rotate_sealed_fields(*, batch_size: int = 500) -> int:
    """Re-seal every EncryptedTextField value under the newest key; return the rows changed.

    Every model of every installed app is covered. Each batch is one
    transaction with its rows locked (select_for_update), so an edit made
    meanwhile waits instead of being overwritten. Values already sealed with
    the newest key are left alone: an interrupted run is finished by running
    it again, and a second run changes nothing.

    Raises UnsealError naming the model, field and primary key of a value that
    no configured key opens; batches before it stay committed.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    changed = 0
    for model, fields in _models_with_sealed_fields():
        after = None
        while True:
            batch_changed, after = _rotate_batch(
                model=model, fields=fields, after=after, batch_size=batch_size
            )
            changed += batch_changed
            if after is None:
                break
    return changed


def _models_with_sealed_fields() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    for model in apps.get_models():
        if model._meta.proxy:  # same table as its concrete model
            continue
        # Local fields only: with multi-table inheritance a parent's fields
        # are rotated once, through the parent.
        fields = [
            field
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if fields:
            yield model, fields


def _rotate_batch(*, model, fields, after, batch_size: int) -> tuple[int, object | None]:
    """Rotate up to ``batch_size`` rows with a primary key above ``after``.

    Returns the number of rows changed and the last primary key seen, or None
    when the table is done.
    """
    # Cast to a plain TextField reads the stored tokens without unsealing them.
    tokens = [Cast(field.attname, output_field=models.TextField()) for field in fields]
    with transaction.atomic():
        rows = model._base_manager.select_for_update().order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        batch = list(rows.values_list("pk", *tokens)[:batch_size])
        changed = 0
        for pk, *stored in batch:
            updates = {
                field.attname: models.Value(
                    _resealed(token, model=model, field=field, pk=pk),
                    output_field=models.TextField(),
                )
                for field, token in zip(fields, stored, strict=True)
                if token and not _sealed_with_newest_key(token)
            }
            if updates:
                # A Value with a plain TextField is written as given, not sealed again.
                model._base_manager.filter(pk=pk).update(**updates)
                changed += 1
    last = batch[-1][0] if len(batch) == batch_size else None
    return changed, last


def _resealed(token: str, *, model, field, pk) -> str:
    try:
        return reseal(token)
    except UnsealError:
        raise UnsealError(
            f"{model._meta.label}.{field.name} of row {pk!r}: {_CANNOT_UNSEAL}"
        ) from None
