"""OptiServe: from "this model, this KPI" to a correctly sized, running model server.

The engine (everything except ``server``, ``magics`` and the lab extension) imports nothing from
Jupyter; the entry points below import the Jupyter parts lazily so ``import jupyter_optiserve``
stays cheap for the CLI.
"""

from jupyter_optiserve._version_source import read_version

__version__ = read_version()


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyter-optiserve"}]


def _jupyter_server_extension_points():
    from jupyter_optiserve.server.app import OptiServeApp

    return [{"module": "jupyter_optiserve", "app": OptiServeApp}]


def load_ipython_extension(ipython):
    """``%load_ext jupyter_optiserve`` registers the ``%optiserve`` magic."""
    from jupyter_optiserve.magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython):
    from jupyter_optiserve.magics import unload_ipython_extension as unload

    unload(ipython)
