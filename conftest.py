pytest_plugins = ["jupyter_optiserve.testing.pytest_plugin"]
