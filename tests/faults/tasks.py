"""A task whose effect can be checked: the worker-shutdown fault test enqueues hundreds."""

from __future__ import annotations

import time

from django.db import connection
from django_tasks import task


@task()
def fault_mark_task(n: int, seconds: float) -> None:
    time.sleep(seconds)  # the work in progress when SIGTERM arrives
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO fault_marks (n) VALUES (%s)", [n])
