"""``python -m reconciler.gitops pr-comment|drift ...``: see ``reconciler.gitops.cli``."""

from reconciler.gitops.cli import main

if __name__ == "__main__":
    main()
