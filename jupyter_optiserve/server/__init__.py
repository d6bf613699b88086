"""The Jupyter Server extension: ``OptiServeApp`` (``server/app.py``), thin handlers over
``jupyter_optiserve.service`` (``handlers.py``, ``sse.py``), request validation against
``openapi.yaml`` (``validation.py``). Imports Jupyter Server; nothing in the engine imports this."""
