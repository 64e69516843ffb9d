"""qloom-server: ``qloom serve``, a compile service a team shares over HTTP.

``create_app`` builds the API (FastAPI), ``serve`` runs it under uvicorn, and
``create_token``/``revoke_token``/``list_users`` manage who may use it.
"""

from qloom_server.accounts import create_token, list_users, revoke_token
from qloom_server.app import create_app
from qloom_server.config import Limits, ServerConfig
from qloom_server.runner import DEFAULT_PORT, serve

__all__ = [
    "DEFAULT_PORT",
    "Limits",
    "ServerConfig",
    "create_app",
    "create_token",
    "list_users",
    "revoke_token",
    "serve",
]
