pytest_plugins = ["jupyter_optiserve.testing.pytest_plugin", "pytest_jupyter.jupyter_server"]
