"""Test helpers shipped with jupyter_optiserve (fake Kubernetes API server, pytest plugin)."""
