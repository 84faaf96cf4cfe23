"""Page sessions and used login links: small records beside the library, kept by the Store
(it mixes this in; the tables and the in-memory hash index are set up in Store.__init__)."""
from __future__ import annotations

from ..clock import now_iso
from .tiny import document, new_id


class SessionRecords:
    def add_session(self, token_hash: str, expires_at: float) -> None:
        sid = new_id()
        self.sessions.insert(document(sid, {"hash": token_hash, "expires_at": expires_at,
                                        "created_at": now_iso()}))
        self._session_by_hash[token_hash] = sid

    def session_expiry(self, token_hash: str) -> float | None:
        sid = self._session_by_hash.get(token_hash)
        doc = self.sessions.get(doc_id=sid) if sid else None
        return doc["expires_at"] if doc else None

    def remove_session(self, token_hash: str) -> None:
        sid = self._session_by_hash.pop(token_hash, None)
        if sid:
            self.sessions.remove(doc_ids=[sid])

    def remove_sessions(self, *, expired_before: float | None = None) -> int:
        """Forget sessions (those expired before a time): Store.maintenance runs it."""
        doomed = {d.doc_id for d in self.sessions.all()
                  if expired_before is None or d["expires_at"] < expired_before}
        if doomed:
            self.sessions.remove(doc_ids=doomed)
            self._session_by_hash = {h: s for h, s in self._session_by_hash.items() if s not in doomed}
        return len(doomed)

    def use_login_nonce(self, nonce: str, expires_at: float, now: float) -> bool:
        """Record a login link as used; False if it was used before."""
        used = self.used_logins.all()
        if any(d["nonce"] == nonce for d in used):
            return False
        stale = [d.doc_id for d in used if d["expires_at"] < now]
        if stale:
            self.used_logins.remove(doc_ids=stale)
        self.used_logins.insert(document(new_id(), {"nonce": nonce, "expires_at": expires_at}))
        return True
