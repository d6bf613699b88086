"""OptiServe: from "this model, this KPI" to a correctly sized, running model server.

The engine (everything except ``server``, ``magics`` and the lab extension) imports nothing from
Jupyter; the entry points below import the Jupyter parts lazily so ``import jupyter_optiserve``
stays cheap for the CLI.
"""

__version__ = "0.1.0"
