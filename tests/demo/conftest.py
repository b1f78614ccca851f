# The synthetic mediation cases are checked against the cast's mediation group kind.
from tests.mediation.conftest import mediation_kind  # noqa: F401
