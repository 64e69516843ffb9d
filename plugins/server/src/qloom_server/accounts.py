"""Users and their bearer tokens: only a SHA-256 digest of each token is stored.

Tokens are ``secrets.token_urlsafe(32)``: 256 random bits. A slow password hash (bcrypt,
argon2) protects *low-entropy* secrets against guessing from a stolen digest; nobody can
enumerate 2**256 candidates, so a plain SHA-256 digest is as safe here and lets every
request be checked in microseconds. The digest is looked up by its index and compared again
with ``hmac.compare_digest`` so the check takes the same time whatever matches.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from pathlib import Path

from qloom.errors import QloomError
from qloom_server.db import Database

__all__ = ["USER_NAME", "Accounts", "create_token", "list_users", "revoke_token"]

USER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
"""What a user name may be: it is also the name of the user's folder of files."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    """The users of one server database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, name: str) -> str:
        """Add user ``name`` and return its new token (shown once, never stored).

        Raises:
            QloomError: the name is not allowed, or the user exists (revoke it first).
        """
        if not USER_NAME.fullmatch(name):
            raise QloomError(
                f"user name {name[:80]!r} is not allowed: use 1-64 letters, digits, '_', '.' "
                "or '-', not starting with '.' or '-'"
            )
        token = secrets.token_urlsafe(32)
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM server_users WHERE name = ?", (name,)).fetchall():
                raise QloomError(
                    f"user {name!r} already has a token; `qloom serve token revoke {name}` "
                    "first to issue a new one"
                )
            conn.execute(
                "INSERT INTO server_users (name, digest, created) VALUES (?, ?, ?)",
                (name, _digest(token), time.time()),
            )
        return token

    def revoke(self, name: str) -> bool:
        """Remove user ``name``'s token; False if there was none. Its tasks and files stay
        (a new token for the same name gives them back)."""
        with self.db.write() as conn:
            return conn.execute("DELETE FROM server_users WHERE name = ?", (name,)).rowcount == 1

    def names(self) -> list[str]:
        """Every user name, sorted."""
        return sorted(str(row[0]) for row in self.db.query("SELECT name FROM server_users"))

    def user_for(self, token: str) -> str | None:
        """The user a bearer token belongs to, or ``None``."""
        if not token or len(token) > 256:
            return None
        digest = _digest(token)
        rows = self.db.query("SELECT name, digest FROM server_users WHERE digest = ?", (digest,))
        for name, stored in rows:
            if hmac.compare_digest(str(stored), digest):
                return str(name)
        return None


def create_token(store: str | Path, name: str) -> str:
    """Create user ``name`` in the server database ``store``; return its token."""
    db = Database(store)
    try:
        return Accounts(db).create(name)
    finally:
        db.close()


def revoke_token(store: str | Path, name: str) -> bool:
    """Revoke user ``name``'s token in ``store``; False if it had none."""
    db = Database(store)
    try:
        return Accounts(db).revoke(name)
    finally:
        db.close()


def list_users(store: str | Path) -> list[str]:
    """The names of the users of ``store`` (never their tokens, which are not kept)."""
    db = Database(store)
    try:
        return Accounts(db).names()
    finally:
        db.close()
