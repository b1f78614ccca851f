"""The vault seals text under the newest key, opens it with any, and rotates.

Field tests use SealedNote (tests/reports/vaultapp), installed for the test
only, on a table made in the test; tokens are read back with plain SQL and
opened with Fernet directly, so the checks do not go through the code under
test.
"""

import io
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import translation

from reports.vault import (
    EncryptedTextField,
    UnsealError,
    reseal,
    rotate_sealed_fields,
    seal,
    unseal,
)

NAME = "Nguyễn Thị Hoa"
PHONE = "0912345678"


@pytest.fixture
def keys(settings):
    """An old key in use, a new one ready, and one nobody has configured."""
    old, new, stray = (Fernet.generate_key().decode() for _ in range(3))
    settings.FIELD_ENCRYPTION_KEYS = [old]
    return SimpleNamespace(old=old, new=new, stray=stray)


def _install_note_app(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.reports.vaultapp"]
    from tests.reports.vaultapp.models import SealedNote

    with connection.schema_editor() as editor:
        editor.create_model(SealedNote)
    return SealedNote


@pytest.fixture
def note_model(db, settings, keys):
    # The table is created inside the test's transaction and rolled back with it.
    return _install_note_app(settings)


@pytest.fixture
def note_model_without_test_transaction(transactional_db, settings, keys):
    model = _install_note_app(settings)
    yield model
    with connection.schema_editor() as editor:
        editor.delete_model(model)


def _stored(pk) -> tuple[str | None, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret, phone FROM vaultapp_sealednote WHERE id = %s", [pk])
        return cursor.fetchone()


def _opens_with(key: str, token: str) -> str:
    return Fernet(key).decrypt(token.encode()).decode()


# seal, unseal, reseal


def test_sealed_text_opens_to_the_same_text(keys):
    assert unseal(seal(NAME)) == NAME


def test_a_sealed_value_shows_nothing_of_the_text(keys):
    token = seal(f"{NAME} {PHONE}")

    assert NAME not in token and "Hoa" not in token and PHONE not in token
    assert _opens_with(keys.old, token) == f"{NAME} {PHONE}"


def test_the_same_text_sealed_twice_looks_different(keys):
    assert seal(NAME) != seal(NAME)


def test_a_value_sealed_with_an_old_key_opens_once_a_new_key_is_put_first(keys, settings):
    token = seal(NAME)

    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]

    assert unseal(token) == NAME
    fresh = seal(NAME)
    assert _opens_with(keys.new, fresh) == NAME


def test_resealing_moves_a_value_to_the_newest_key(keys, settings):
    token = seal(NAME)
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]

    resealed = reseal(token)

    assert _opens_with(keys.new, resealed) == NAME
    settings.FIELD_ENCRYPTION_KEYS = [keys.new]
    assert unseal(resealed) == NAME
    with pytest.raises(UnsealError):
        unseal(token)


def test_a_value_no_key_opens_is_an_error_showing_neither_token_nor_text(keys, settings):
    token = seal(NAME)
    settings.FIELD_ENCRYPTION_KEYS = [keys.new]

    with pytest.raises(UnsealError) as error:
        unseal(token)

    assert token not in str(error.value) and "Hoa" not in str(error.value)
    with pytest.raises(UnsealError):
        reseal(token)


@pytest.mark.parametrize("damage", ["flip", "cut", "garbage"])
def test_a_damaged_value_does_not_open(keys, damage):
    token = seal(NAME)
    middle = len(token) // 2
    damaged = {
        "flip": token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :],
        "cut": token[:middle],
        "garbage": "đây không phải là token",
    }[damage]

    with pytest.raises(UnsealError):
        unseal(damaged)


# EncryptedTextField


def test_the_field_stores_sealed_text_and_gives_back_plain_text(note_model, keys):
    note = note_model.objects.create(title="a", secret=NAME, phone=PHONE)

    secret_token, phone_token = _stored(note.pk)
    assert "Hoa" not in secret_token and PHONE not in phone_token
    assert _opens_with(keys.old, secret_token) == NAME
    assert _opens_with(keys.old, phone_token) == PHONE
    note = note_model.objects.get(pk=note.pk)
    assert (note.secret, note.phone) == (NAME, PHONE)


def test_empty_text_stays_empty_and_null_stays_null(note_model, keys):
    note = note_model.objects.create(title="a", secret=None, phone="")

    assert _stored(note.pk) == (None, "")
    note = note_model.objects.get(pk=note.pk)
    assert (note.secret, note.phone) == (None, "")


def test_queryset_updates_and_bulk_updates_are_sealed_too(note_model, keys):
    first = note_model.objects.create(title="a", phone="")
    second = note_model.objects.create(title="b", phone="")

    note_model.objects.filter(pk=first.pk).update(phone=PHONE)
    second.phone = "0987654321"
    note_model.objects.bulk_update([second], ["phone"])

    assert _opens_with(keys.old, _stored(first.pk)[1]) == PHONE
    assert _opens_with(keys.old, _stored(second.pk)[1]) == "0987654321"
    assert note_model.objects.get(pk=first.pk).phone == PHONE


def test_the_field_cannot_be_searched_except_for_null(note_model, keys):
    note_model.objects.create(title="a", secret=NAME, phone=PHONE)
    note_model.objects.create(title="b", secret=None, phone="")

    for lookup in ("secret", "secret__icontains", "phone__startswith", "phone__in"):
        with pytest.raises(FieldError):
            note_model.objects.filter(**{lookup: PHONE}).count()
    assert list(note_model.objects.filter(secret__isnull=True).values_list("title", flat=True)) == [
        "b"
    ]


@isolate_apps("tests.reports.vaultapp")
def test_an_encrypted_field_may_not_be_unique_or_indexed():
    class Misused(models.Model):
        unique_secret = EncryptedTextField(unique=True)
        indexed_secret = EncryptedTextField(db_index=True)
        plain_secret = EncryptedTextField()

        class Meta:
            app_label = "vaultapp"

        def __str__(self):
            return self.plain_secret

    errors = [error for error in Misused.check() if error.id == "reports.E001"]

    assert [error.obj.name for error in errors] == ["unique_secret", "indexed_secret"]
    assert all(isinstance(error, checks.Error) for error in errors)


# Rotation


def test_rotation_reseals_every_value_under_the_newest_key(note_model, keys, settings):
    for number in range(5):
        note_model.objects.create(title=f"n{number}", secret=f"{NAME} {number}", phone=PHONE)
    note_model.objects.create(title="empty", secret=None, phone="")
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]

    changed = rotate_sealed_fields(batch_size=2)

    assert changed == 5
    for note in note_model.objects.exclude(title="empty"):
        secret_token, phone_token = _stored(note.pk)
        assert _opens_with(keys.new, secret_token) == note.secret
        assert _opens_with(keys.new, phone_token) == PHONE
    assert _stored(note_model.objects.get(title="empty").pk) == (None, "")
    # The old key can now go: everything still opens.
    settings.FIELD_ENCRYPTION_KEYS = [keys.new]
    assert sorted(note_model.objects.values_list("secret", flat=True), key=str) == [
        *(f"{NAME} {number}" for number in range(5)),
        None,
    ]


def test_rotation_leaves_values_already_under_the_newest_key_alone(note_model, keys, settings):
    old_note = note_model.objects.create(title="old", secret=NAME, phone="")
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]
    new_note = note_model.objects.create(title="new", secret=NAME, phone=PHONE)
    before = _stored(new_note.pk)

    assert rotate_sealed_fields() == 1

    assert _stored(new_note.pk) == before
    assert _opens_with(keys.new, _stored(old_note.pk)[0]) == NAME
    assert rotate_sealed_fields() == 0


def test_rotation_stops_at_a_value_no_key_opens_and_names_the_row(note_model, keys, settings):
    settings.FIELD_ENCRYPTION_KEYS = [keys.stray]
    lost = note_model.objects.create(title="lost", secret=NAME, phone="")
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]

    with pytest.raises(UnsealError) as error:
        rotate_sealed_fields()

    assert f"vaultapp.SealedNote.secret of row {lost.pk}" in str(error.value)
    assert "Hoa" not in str(error.value)


def test_rotation_commits_each_batch_on_its_own_outside_any_transaction(
    note_model_without_test_transaction, keys, settings
):
    model = note_model_without_test_transaction
    notes = [model.objects.create(title=f"n{n}", secret=NAME, phone=PHONE) for n in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]

    assert connection.get_autocommit()
    assert rotate_sealed_fields(batch_size=2) == 3

    for note in notes:
        assert _opens_with(keys.new, _stored(note.pk)[0]) == NAME


def test_the_rotate_field_key_command_reencrypts_and_says_how_many_rows(note_model, keys, settings):
    first = note_model.objects.create(title="a", secret=NAME, phone=PHONE)
    note_model.objects.create(title="b", secret=None, phone=PHONE)
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]
    out = io.StringIO()

    with translation.override("en"):
        call_command("rotate_field_key", "--batch-size", "1", stdout=out)

    assert out.getvalue() == "Re-encrypted 2 rows.\n"
    assert _opens_with(keys.new, _stored(first.pk)[0]) == NAME


def test_the_rotate_field_key_command_fails_loudly_on_a_value_no_key_opens(
    note_model, keys, settings
):
    settings.FIELD_ENCRYPTION_KEYS = [keys.stray]
    note_model.objects.create(title="lost", secret=NAME, phone="")
    settings.FIELD_ENCRYPTION_KEYS = [keys.new, keys.old]

    with pytest.raises(CommandError, match=r"vaultapp\.SealedNote\.secret"):
        call_command("rotate_field_key", stdout=io.StringIO())


def test_the_rotate_field_key_command_refuses_a_batch_size_below_one(db, keys):
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_field_key", "--batch-size", "0")
