"""GET /metrics for Prometheus: django-prometheus's request metrics plus ours.

Ours say whether escalation works, read at scrape time from where the truth
is (the database, the broker), so every web process answers the same:

- ``tuquan_celery_queue_length``: messages waiting in the broker's queue;
- ``tuquan_notices{status}``: notices pending, sending and failed;
- ``tuquan_oldest_due_escalation_seconds``: how long the oldest report whose
  next escalation is due has waited for the sweep (0: none waits);
- ``tuquan_sweep_age_seconds``: since the last finished sweep (+Inf: never);
- ``tuquan_sweep_interval_seconds``: the sweep's interval, for the alert rules.

With PROMETHEUS_MULTIPROC_DIR set (several gunicorn workers), the request
metrics of all of a machine's workers are added up from its files.
deploy/prometheus/alerts.yml holds the alert rules; docs/deployment.md tells how
to scrape.
"""

import math
import os

import redis
from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from reports import heartbeat
from reports.models import Notice, Report

# kombu's Redis transport keeps a queue's messages of each priority in a list of its own.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
QUEUES = ("celery",)


def _queue_length() -> float:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
    )
    try:
        pipe = client.pipeline()
        for queue in QUEUES:
            for suffix in _PRIORITY_SUFFIXES:
                pipe.llen(queue + suffix)
        return float(sum(pipe.execute()))
    except redis.RedisError:
        return math.nan
    finally:
        client.close()


class EscalationCollector:
    def collect(self):
        queue = GaugeMetricFamily(
            "tuquan_celery_queue_length", "Messages waiting in the Celery queue", labels=["queue"]
        )
        queue.add_metric(["celery"], _queue_length())
        yield queue

        notices = GaugeMetricFamily(
            "tuquan_notices", "Escalation notices not (yet) sent, by status", labels=["status"]
        )
        counts = dict(
            Notice.objects.exclude(status=Notice.Status.SENT)
            .order_by()
            .values_list("status")
            .annotate(Count("pk"))
        )
        for status in (Notice.Status.PENDING, Notice.Status.SENDING, Notice.Status.FAILED):
            notices.add_metric([status.value], counts.get(status.value, 0))
        yield notices

        now = timezone.now()
        oldest = Report.objects.filter(escalate_at__lte=now).aggregate(at=Min("escalate_at"))["at"]
        yield GaugeMetricFamily(
            "tuquan_oldest_due_escalation_seconds",
            "Age of the oldest report whose next escalation is due and not done",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )

        age = heartbeat.seconds_since_last_sweep()
        yield GaugeMetricFamily(
            "tuquan_sweep_age_seconds",
            "Seconds since the escalation sweep last finished",
            value=math.inf if age is None else age,
        )
        yield GaugeMetricFamily(
            "tuquan_sweep_interval_seconds",
            "Seconds between two escalation sweeps",
            value=settings.ESCALATION_SWEEP_SECONDS,
        )


@require_GET
@never_cache
def metrics(request):
    # Prometheus scrapes each web machine directly; through the public proxy
    # (which always sets X-Forwarded-For) there is nothing here.
    if "HTTP_X_FORWARDED_FOR" in request.META:
        raise Http404
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
        registry = CollectorRegistry(auto_describe=True)
    registry.register(EscalationCollector())
    output += generate_latest(registry)
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
