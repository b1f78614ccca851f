"""The demo's mediation cases: two years of the demo's mediation groups at work.

They come from demo/synthetic/mediation.py on the demo's ``World`` (see
demo/seed/activity.py): the mix of disputes and of how they came in, the
mediators and sessions, some cases following a fight report of the same
commune/ward, recent ones still being mediated. The generator's outcomes make
85 % of the mediated cases successful, the top of the province's 70-85 %; the
demo turns one successful case in twelve into one the parties could not settle,
so that its success rate (mediation/stats.py) shows about three in four. They are added only while
the demo's mediation groups have no case yet, so a second ``seed_demo`` adds none.
"""

import dataclasses

from demo.synthetic import mediation as synthetic
from demo.synthetic.groups import Options, StepLog, World
from mediation.models import Authority, CaseEvent, MediationCase, Status

CASES = 160
UNSETTLED_EVERY = 12
# Where each of synthetic.GUIDANCE points the parties, in its order.
GUIDED_TO = [Authority.PEOPLES_COMMITTEE, Authority.COURT, Authority.WARD_POLICE]


def seed_demo_mediation(*, world: World, options: Options) -> int:
    """Add the cases if the demo groups have none; returns the cases added."""
    if MediationCase.objects.filter(group__in=[group.id for group in world.groups]).exists():
        return 0
    history = dataclasses.replace(options, reports=CASES * synthetic.REPORTS_PER_CASE)
    synthetic.generate(options=history, world=world, log=StepLog(lambda line: None))
    _unsettle_some(MediationCase.objects.filter(group__in=[group.id for group in world.groups]))
    return CASES


def _unsettle_some(cases) -> None:
    """Every ``UNSETTLED_EVERY``-th successful case ends without agreement instead,
    with the guidance and the history such an outcome has."""
    successful = cases.filter(status=Status.SUCCESSFUL).order_by("pk")
    picked = list(successful.values_list("pk", flat=True)[::UNSETTLED_EVERY])
    for number, pk in enumerate(picked):
        MediationCase.objects.filter(pk=pk).update(
            status=Status.UNSUCCESSFUL,
            agreement_terms="",
            followed_up_on=None,
            agreement_kept=None,
            guidance=synthetic.GUIDANCE[number % len(GUIDED_TO)],
            authority=GUIDED_TO[number % len(GUIDED_TO)],
        )
    events = CaseEvent.objects.filter(case__in=picked)
    events.filter(kind=CaseEvent.Kind.FOLLOW_UP).delete()
    events.filter(kind=CaseEvent.Kind.STATUS, to_status=Status.SUCCESSFUL).update(
        to_status=Status.UNSUCCESSFUL
    )
