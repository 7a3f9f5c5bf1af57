"""The anonymous survey engine: definitions, launch, ballot box, participation
ledger, encrypted tally, release rules, trustee decryption and recurring
pulses. It knows nothing of unions: callers hand it opaque scopes, voter refs
and each voter's segments."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.jobs import JobRegistry


def register_jobs(registry: JobRegistry) -> None:
    from surveys.jobs import JOBS

    for job_id, (func, every_seconds) in JOBS.items():
        registry.register(job_id, func, every_seconds=every_seconds)
