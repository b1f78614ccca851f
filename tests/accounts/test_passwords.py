"""Password rules: 12 characters, common and Vietnamese-word passwords refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    [
        "short-pw-1",  # 10 characters
        "password1234",  # the world's common list
        "matkhau123456",  # our list, digits added
        "Mật khẩu 2024!",
        "anhyeuem19901990",
        "HaLong@2025@2025",
        "Đà Nẵng 1975!!",
        "123456789012",
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["cửa sổ xanh lá 7 tầng", "tram-ga-bien-doi-42"])
def test_long_uncommon_passwords_pass(password):
    validate_password(password)


def test_the_admin_refuses_a_weak_password_for_a_police_officer(client, superuser, ward_a):
    client.force_login(superuser)

    response = client.post(
        "/admin/groups/user/add/",
        {
            "username": "new_police",
            "password1": "matkhau2025",
            "password2": "matkhau2025",
            "usable_password": "true",
            "role": "ward_police",
            "police_ward": ward_a.pk,
        },
    )

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
