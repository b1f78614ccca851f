"""Argon2id for tip passphrases: parameters from settings, never below OWASP's minimum,
and hashes made with older parameters replaced when their tipster opens the tip."""

import secrets

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from django.core.cache import cache
from django.test import Client

from reports import ratelimit, receipts, tracking
from reports.models import Report

PASSPHRASE = "mèo đen ăn cá"
# What tips were hashed with before: argon2-cffi's RFC 9106 low-memory profile.
OLD_HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, type=Type.ID)


@pytest.fixture
def tip(file_report, theft, ward_a):
    return file_report(category=theft, ward=ward_a, anonymous=True, passphrase=PASSPHRASE)


def _stored_with_old_parameters(report: Report) -> str:
    # Hashed as the old code did: the canonical form of the passphrase.
    old = OLD_HASHER.hash(receipts._canonical_passphrase(PASSPHRASE))
    Report.objects.filter(pk=report.pk).update(passphrase_hash=old)
    return old


def test_a_passphrase_is_hashed_with_owasps_minimum_by_default():
    parameters = extract_parameters(receipts.hash_passphrase(PASSPHRASE))

    assert parameters.type is Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)


def test_the_parameters_come_from_settings(settings):
    settings.PASSPHRASE_ARGON2_MEMORY_KIB = 32768
    settings.PASSPHRASE_ARGON2_TIME_COST = 3

    encoded = receipts.hash_passphrase(PASSPHRASE)

    parameters = extract_parameters(encoded)
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (32768, 3, 1)
    assert receipts.check_passphrase(PASSPHRASE, encoded)
    settings.PASSPHRASE_ARGON2_MEMORY_KIB = 19456
    assert receipts.needs_rehash(encoded)


def test_a_hash_with_older_parameters_still_opens_and_is_replaced(tip):
    old = _stored_with_old_parameters(tip.report)
    assert receipts.needs_rehash(old)

    found = tracking.find_by_receipt(code=tip.code, passphrase="Mèo đen ăn cá")

    assert found == tip.report
    stored = Report.objects.get(pk=tip.report.pk).passphrase_hash
    assert stored != old and not receipts.needs_rehash(stored)
    assert extract_parameters(stored).memory_cost == 19456
    assert receipts.check_passphrase(PASSPHRASE, stored)
    # And it keeps opening with the new hash.
    assert tracking.find_by_receipt(code=tip.code, passphrase=PASSPHRASE) == tip.report


def test_a_wrong_passphrase_leaves_an_old_hash_alone(tip):
    old = _stored_with_old_parameters(tip.report)

    assert tracking.find_by_receipt(code=tip.code, passphrase="mèo trắng") is None

    assert Report.objects.get(pk=tip.report.pk).passphrase_hash == old


def test_a_current_hash_is_not_rewritten(tip, django_assert_num_queries):
    stored = Report.objects.get(pk=tip.report.pk).passphrase_hash

    # The look-up only: no UPDATE.
    with django_assert_num_queries(1):
        assert tracking.find_by_receipt(code=tip.code, passphrase=PASSPHRASE) == tip.report

    assert Report.objects.get(pk=tip.report.pk).passphrase_hash == stored


def test_the_tracking_page_rehashes_an_old_tip_it_opens(tip):
    old = _stored_with_old_parameters(tip.report)
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    client = Client(REMOTE_ADDR=address)
    try:
        response = client.post(
            "/report/track/", {"code": tip.code.lower(), "passphrase": PASSPHRASE}
        )
    finally:
        cache.delete(ratelimit.cache_key(scope=ratelimit.TRACK, address=address))

    assert response.status_code == 302
    assert Report.objects.get(pk=tip.report.pk).passphrase_hash != old
