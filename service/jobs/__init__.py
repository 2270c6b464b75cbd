"""Background jobs: a table of jobs (``store``) and one in-process worker (``worker``) that
runs them, one at a time, with progress, cancellation and resumption after a crash; what each
kind of job does lives in ``kinds``."""
