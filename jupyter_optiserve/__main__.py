"""``python -m jupyter_optiserve`` is the ``optiserve`` CLI."""

from jupyter_optiserve.cli import main

raise SystemExit(main())
