"""``chime-reconciler gitops pr-comment|drift``: the GitHub glue of the workflows.

The group lives in ``reconciler.gitops.cli`` so that ``python -m reconciler.gitops`` runs
it without loading the other commands."""

from reconciler.gitops.cli import gitops

COMMANDS = [gitops]
