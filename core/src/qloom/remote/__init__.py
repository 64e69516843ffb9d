"""The client of a ``qloom serve`` compile server.

``qloom.Compiler("http://host:7472", token=...)`` returns a ``RemoteCompiler``: the local
Compiler's ``submit``/``status``/``result``/``cancel``/``compile``/``tasks``, plus
``files`` and ``session``. It needs nothing beyond the standard library.
"""

from qloom.remote.client import RemoteCompiler
from qloom.remote.errors import AuthenticationError, NotFoundError, ServerError
from qloom.remote.files import RemoteFiles, ServerFile
from qloom.remote.http import TOKEN_ENV, Connection, is_server_url
from qloom.remote.sessions import RemoteSession, RemoteStep

__all__ = [
    "TOKEN_ENV",
    "AuthenticationError",
    "Connection",
    "NotFoundError",
    "RemoteCompiler",
    "RemoteFiles",
    "RemoteSession",
    "RemoteStep",
    "ServerError",
    "ServerFile",
    "is_server_url",
]
