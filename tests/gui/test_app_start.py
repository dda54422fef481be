"""Starting the bench: a bad policy, an unreachable database or an unexpected error gets a message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rmadesk import app as app_module
from rmadesk.settings import Settings
from rmadesk.ui.common import dialogs, failures


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    messages: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        dialogs,
        "show_error",
        lambda parent, title, message, details="": messages.append((title, message, details)),
    )
    return messages


def test_a_bad_policy_file_stops_the_start_with_the_field_named(
    qtbot: QtBot, tmp_path: Path, sqlite_url: str, shown: list[tuple[str, str, str]]
) -> None:
    bad = tmp_path / "policy.toml"
    default = (
        Path(app_module.__file__).parent.parent / "resources" / "policies" / "default.toml"
    ).read_text()
    bad.write_text(
        default.replace('\nreferral_rate = "0.15"', '\nreferal_rate = "0.15"', 1), encoding="utf-8"
    )
    assert "referal_rate" in bad.read_text(encoding="utf-8")
    code = app_module.run_gui(
        Settings(database_url=sqlite_url, policy=str(bad), sounds=False), inspector="Ana"
    )
    assert code == 2
    [(title, message, _)] = shown
    assert "cannot start" in title
    assert "referal_rate" in message


def test_an_unreachable_database_stops_the_start_with_a_plain_message(
    qtbot: QtBot, shown: list[tuple[str, str, str]]
) -> None:
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", sounds=False)
    code = app_module.run_gui(settings, inspector="Ana")
    assert code == 2
    [(_, message, details)] = shown
    assert "cannot be opened" in message and "127.0.0.1" in message
    assert "Traceback" not in message and details == ""


def test_no_inspector_name_means_no_bench(
    qtbot: QtBot, sqlite_url: str, shown: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_inspector", lambda parent, bench, last="": asked.append(bench))
    code = app_module.run_gui(Settings(database_url=sqlite_url, bench="b7", sounds=False), inspector=None)
    assert code == 1
    assert asked == ["b7"]
    assert shown == []


def test_an_unexpected_error_is_shown_with_details_not_a_crash(
    qtbot: QtBot, shown: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    failures.install_excepthook()
    try:
        raise RuntimeError("wires crossed")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    [(title, message, details)] = shown
    assert "went wrong" in title and "kept" in message
    assert "RuntimeError: wires crossed" in details and "Traceback" in details


def _older_database(url: str) -> None:
    from rmadesk.store.engine import make_engine
    from rmadesk.store.schema import upgrade

    engine = make_engine(url)
    upgrade(engine, "0004")  # a database from before people and reversals
    engine.dispose()


def test_an_older_schema_is_upgraded_only_when_someone_agrees(
    qtbot: QtBot, sqlite_url: str, shown: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmadesk.store.schema import current_revision, head_revision
    from rmadesk.store.uow import Store

    _older_database(sqlite_url)
    questions: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: questions.append(text) or False)
    assert app_module.offer_upgrade(Settings(database_url=sqlite_url), "Older schema.") is None
    assert questions == ["Older schema. Upgrade it now?"]
    probe = Store(sqlite_url)
    assert current_revision(probe.engine) == "0004"
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: True)
    store = app_module.offer_upgrade(Settings(database_url=sqlite_url), "Older schema.")
    assert store is not None and current_revision(store.engine) == head_revision()
    store.dispose()
    probe.dispose()


def test_with_users_only_an_admin_upgrades(
    qtbot: QtBot, sqlite_url: str, shown: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from rmadesk.domain.people import PermissionDenied, open_actor
    from rmadesk.services.context import open_store
    from rmadesk.services.people import add_user, sign_in
    from rmadesk.services.upgrade import upgrade_schema
    from rmadesk.store.schema import current_revision, head_revision
    from rmadesk.store.uow import Store

    store = open_store(sqlite_url)
    add_user(store, name="Root", role="admin", badge="B-ROOT", pin="9999", actor=open_actor("x", "b"))
    admin = sign_in(store, badge="B-ROOT", pin="9999", bench="b")
    add_user(store, name="Ana", role="inspector", badge="B-ANA", pin="1111", actor=admin)
    ana = sign_in(store, badge="B-ANA", pin="1111", bench="b")
    with store.engine.begin() as conn:  # the schema claims to be older than this RMA Desk
        conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    store.dispose()
    asked: list[str] = []
    monkeypatch.setattr(
        dialogs, "ask_admin", lambda parent, problem: asked.append(problem) or ("B-ANA", "1111")
    )
    assert app_module.offer_upgrade(Settings(database_url=sqlite_url), "Older.") is None
    assert asked == ["Older. An admin may upgrade it now."]
    assert "only an admin" in shown[-1][1]
    probe = Store(sqlite_url)
    assert current_revision(probe.engine) == "0004"  # nothing was changed
    probe.dispose()
    # and on a really older database, the service itself refuses anyone but an admin
    older = sqlite_url.replace("bench.sqlite3", "older.sqlite3")
    _older_database(older)
    old_store = Store(older)
    with pytest.raises(PermissionDenied):
        upgrade_schema(old_store, ana)
    assert current_revision(old_store.engine) == "0004"
    assert upgrade_schema(old_store, admin) == head_revision()
    old_store.dispose()
