"""A model that exists only in the vault tests, to put EncryptedTextField on a real table.

The app is installed for a test only (tests/reports/test_vault.py) and its
table created there, so the real apps' migrations never see it.
"""

from django.db import models

from reports.vault import EncryptedTextField


class SealedNote(models.Model):
    title = models.CharField(max_length=50)
    secret = EncryptedTextField(blank=True, null=True)
    phone = EncryptedTextField(blank=True)

    class Meta:
        app_label = "vaultapp"

    def __str__(self):
        return self.title
