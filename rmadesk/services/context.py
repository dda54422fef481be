"""Opening the database of a bench: schema checked, trouble turned into one known error."""

from __future__ import annotations

from rmadesk.domain.errors import DatabaseUnavailable, UserError
from rmadesk.store.engine import resolve_database_url
from rmadesk.store.schema import ensure_schema
from rmadesk.store.uow import Store, is_database_trouble
from rmadesk.text.i18n import _


def open_store(database_url: str | None, *, allow_upgrade: bool = True) -> Store:
    """The store for the URL (or the default), with a schema this version can use."""
    store = Store(resolve_database_url(database_url or None))
    try:
        ensure_schema(store.engine, allow_upgrade=allow_upgrade)
    except UserError:
        store.dispose()
        raise
    except Exception as exc:
        store.dispose()
        if is_database_trouble(exc):
            raise DatabaseUnavailable(
                _("The database {database} cannot be opened: {reason}").format(
                    database=store.name, reason=store.trouble(exc)
                )
            ) from exc
        raise
    return store
