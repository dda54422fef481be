"""Command line: the bench (default), import, export, demo, claim, db and policy subcommands."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rmadesk import __version__
from rmadesk.domain.errors import SchemaMismatch, UserError
from rmadesk.settings import Settings, load_settings
from rmadesk.text.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rmadesk.domain.people import Actor
    from rmadesk.store.uow import Store

log = logging.getLogger("rmadesk")

# What ``rmadesk db upgrade`` did (the words ensure_schema returns), translated with _() when printed.
_SCHEMA_STATES = {"created": N_("created"), "upgraded": N_("upgraded"), "current": N_("current")}


def _common_options(suppress: bool, with_credentials: bool = True) -> argparse.ArgumentParser:
    # The subcommands repeat the options with SUPPRESS defaults: otherwise a subcommand's
    # default None would overwrite "--db URL" given before the subcommand's name.
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help=_("database URL (default: RMADESK_DATABASE_URL, else an SQLite file in your data folder)"),
    )
    common.add_argument(
        "--bench", metavar="NAME", default=default, help=_("name of this bench (default: host name)")
    )
    common.add_argument(
        "--policy", metavar="NAME_OR_FILE", default=default, help=_("reimbursement policy (default: default)")
    )
    common.add_argument(
        "--settings", metavar="FILE", type=Path, default=default, help=_("settings file to read")
    )
    common.add_argument(
        "--language",
        metavar="CODE",
        default=default,
        help=_("display language: en or fa (default: the language setting, else this computer's)"),
    )
    if with_credentials:
        common.add_argument(
            "--badge", metavar="CODE", default=default, help=_("your badge, when the database has users")
        )
        common.add_argument("--pin", default=default, help=argparse.SUPPRESS)  # refused: see _pin
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common_options(suppress=True)
    parser = argparse.ArgumentParser(
        prog="rmadesk",
        description=_("RMA Desk: scan a return, decide each unit, restock it or claim its reimbursement."),
        parents=[_common_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"RMA Desk {__version__}")
    parser.add_argument(
        "--inspector", metavar="NAME", help=_("who inspects at this bench (asked at start if not given)")
    )
    parser.add_argument(
        "--check-start",
        action="store_true",
        help=_(
            "open the bench, scan the first demo return, print what it showed and close "
            "(checks an install; exit 0 when the card appeared)"
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p_import = sub.add_parser(
        "import",
        parents=[common],
        help=_("import a returns report file"),
        epilog=_(
            "Exit status: 0 every row imported; 1 some rows rejected (each listed with its line); "
            "2 not a report RMA Desk reads, or nothing imported."
        ),
    )
    p_import.add_argument(
        "file", type=Path, help=_("the report (tab-separated text, as the marketplace sends it)")
    )
    p_import.add_argument("--user", metavar="NAME", default=None, help=_("who imports (for the audit trail)"))
    p_import.add_argument(
        "--marketplace",
        metavar="CODE",
        default=None,
        help=_(
            "the marketplace the report is from: US, CA, MX, UK, DE, FR, IT, ES, NL, IN, JP, AE, AU... "
            "(its currency, how it writes numbers, its encoding; default: the marketplace setting)"
        ),
    )

    p_export = sub.add_parser(
        "export",
        parents=[common],
        help=_("write recorded outcomes as CSV to stdout, or the photos of a period to a folder"),
    )
    export_sub = p_export.add_subparsers(dest="what", metavar="WHAT", required=True)
    export_sub.add_parser("outcomes", parents=[common], help=_("every recorded outcome, as CSV to stdout"))
    p_photos = export_sub.add_parser(
        "photos", parents=[common], help=_("the photos taken in a period, named by RMA and unit")
    )
    p_photos.add_argument("folder", type=Path, metavar="DIR", help=_("the folder to write them to"))
    p_photos.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="T",
        help=_("taken from: a date (local), 2026-11-26T06:00:00Z or a local time"),
    )
    p_photos.add_argument(
        "--to", dest="end", required=True, metavar="T", help=_("taken until: a date means to its end")
    )

    p_demo = sub.add_parser("demo", parents=[common], help=_("write demo authorizations and a barcode sheet"))
    p_demo.add_argument(
        "--sheet",
        type=Path,
        default=None,
        help=_(
            "where to write the printable sheet (.pdf or .png; default: rmadesk-demo-sheet.pdf "
            "in the current folder)"
        ),
    )

    p_issue = sub.add_parser(
        "issue",
        parents=[common],
        help=_("issue the seller's own RMA for an out-of-policy return; prints its ID"),
    )
    p_issue.add_argument("--order", required=True, metavar="ID", help=_("the order ID"))
    p_issue.add_argument("--sku", required=True, help=_("the SKU returned"))
    p_issue.add_argument("--qty", required=True, type=int, metavar="N", help=_("how many units"))
    p_issue.add_argument("--reason", required=True, metavar="TEXT", help=_("why the return is approved"))
    p_issue.add_argument("--kind", default="RMA", choices=["RMA", "RA", "RGA"], type=str.upper)
    p_issue.add_argument(
        "--item", default="", metavar="NAME", help=_("item name (default: from an imported return)")
    )
    p_issue.add_argument(
        "--slip", type=Path, metavar="FILE", help=_("write the slip for the parcel (.pdf or .png)")
    )
    p_issue.add_argument("--user", metavar="NAME", default=None, help=_("who approves (for the audit trail)"))

    p_summary = sub.add_parser(
        "summary", parents=[common], help=_("shift, day or range summary for supervisors")
    )
    p_summary.add_argument(
        "--shift", metavar="NAME", help=_("the latest window of this shift (see the shifts setting)")
    )
    p_summary.add_argument(
        "--from", dest="start", metavar="T", help=_("start: 2026-11-26T06:00:00Z or local time")
    )
    p_summary.add_argument("--to", dest="end", metavar="T", help=_("end, same forms as --from"))
    p_summary.add_argument("--format", dest="fmt", default="text", choices=["text", "csv", "json", "pdf"])
    p_summary.add_argument("--table", metavar="NAME", help=_("with --format csv: one table only"))
    p_summary.add_argument(
        "--out", type=Path, metavar="FILE", help=_("write to this file (pdf: default in this folder)")
    )

    p_reconcile = sub.add_parser(
        "reconcile",
        parents=[common],
        help=_("carrier-damaged claims against marketplace reimbursements, as CSV"),
    )
    p_reconcile.add_argument(
        "--days", type=int, default=30, help=_("claims unpaid after this many days are overdue")
    )
    p_reconcile.add_argument("--problems", action="store_true", help=_("only the rows that need attention"))

    p_claim = sub.add_parser(
        "claim", parents=[common], help=_("write the claim packet (PDF) of a damaged unit (supervisors)")
    )
    p_claim.add_argument("action", choices=["packet"])
    p_claim.add_argument("--outcome", required=True, metavar="UID", help=_("the outcome's id"))
    p_claim.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help=_("where to write it (default: claim-RMA-unitN.pdf in the current folder)"),
    )

    p_user = sub.add_parser("user", parents=[common], help=_("people who sign in at the benches"))
    user_sub = p_user.add_subparsers(dest="user_action", metavar="ACTION", required=True)
    p_user_add = user_sub.add_parser(
        "add",
        parents=[_common_options(suppress=True, with_credentials=False)],
        help=_("add a person (first: an admin)"),
    )
    p_user_add.add_argument("--name", required=True)
    p_user_add.add_argument("--role", required=True, choices=["inspector", "supervisor", "admin"])
    p_user_add.add_argument(
        "--badge", dest="new_badge", required=True, metavar="CODE", help=_("the badge's barcode")
    )
    p_user_add.add_argument("--pin", dest="new_pin", default=None, help=argparse.SUPPRESS)
    p_user_add.add_argument(
        "--as-badge", dest="badge", metavar="CODE", help=_("your own badge (an admin's), once users exist")
    )
    p_user_add.add_argument("--as-pin", dest="pin", default=None, help=argparse.SUPPRESS)
    user_sub.add_parser("list", parents=[common], help=_("list the people (admins)"))

    p_reverse = sub.add_parser("reverse", parents=[common], help=_("reverse an outcome (supervisors)"))
    p_reverse.add_argument("--outcome", required=True, metavar="UID", help=_("the outcome's id"))
    p_reverse.add_argument("--reason", required=True, metavar="TEXT")

    sub.add_parser("supervisor", parents=[common], help=_("open the supervisor view (summaries, charts)"))

    p_audit = sub.add_parser(
        "audit",
        parents=[common],
        help=_("check the audit trail"),
        epilog=_(
            "Exit status: 0 every link holds; 1 a link is broken (the first one of each bench is named)."
        ),
    )
    p_audit.add_argument(
        "action",
        choices=["verify"],
        help=_("follow every bench's chain of events and name the first broken link"),
    )

    p_db = sub.add_parser("db", parents=[common], help=_("database schema commands"))
    p_db.add_argument(
        "action",
        choices=["upgrade", "status", "roles"],
        help=_(
            "upgrade the schema, show its revision, or (PostgreSQL, with the owner's URL) create the "
            "application role the benches use and print their URL"
        ),
    )
    p_db.add_argument(
        "--role",
        dest="role_name",
        default=None,
        metavar="NAME",
        help=_("with roles: its name (default: rmadesk_app)"),
    )
    p_db.add_argument(
        "--host",
        dest="server_host",
        default=None,
        metavar="NAME",
        help=_("with roles: the server's name in the URL"),
    )
    p_db.add_argument(
        "--new-password", action="store_true", help=_("with roles: give an existing role a new password")
    )

    p_desktop = sub.add_parser(
        "desktop", parents=[common], help=_("install the menu entry, AppStream metainfo and icons")
    )
    p_desktop.add_argument("action", choices=["install", "uninstall"])
    p_desktop.add_argument(
        "--prefix", type=Path, metavar="DIR", help=_("data folder to install under (default: ~/.local/share)")
    )
    p_desktop.add_argument(
        "--exec", dest="exec_path", metavar="COMMAND", help=_("what the entry runs (default: this rmadesk)")
    )

    p_policy = sub.add_parser("policy", parents=[common], help=_("check a reimbursement policy file"))
    p_policy.add_argument("action", choices=["check", "list"])
    p_policy.add_argument("file", nargs="?", help=_("policy name or file to check"))
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        args.settings, database_url=args.db, bench=args.bench, policy=args.policy, language=args.language
    )


def _open_store(settings: Settings) -> Store:
    from rmadesk.services.context import open_store

    return open_store(settings.database_url or None)


def _cmd_import(args: argparse.Namespace) -> int:
    from rmadesk.services.imports import import_report

    settings = _settings(args)
    store = _open_store(settings)
    result = import_report(
        store,
        args.file,
        actor=_cli_actor(args, store, settings),
        marketplace=args.marketplace or settings.marketplace,
    )
    print(result.summary())
    for note in result.notes:
        print("  " + _("note: {note}").format(note=note))
    for problem in result.problems:
        print(
            "  " + _("line {line}: {reason}").format(line=problem.line, reason=problem.reason),
            file=sys.stderr,
        )
    return result.exit_status


def _cmd_export(args: argparse.Namespace) -> int:
    from rmadesk.services.export import write_outcomes_csv

    if args.what == "photos":
        return _export_photos(args)
    settings = _settings(args)
    store = _open_store(settings)
    write_outcomes_csv(store, sys.stdout, _cli_actor(args, store, settings))
    return 0


def _export_photos(args: argparse.Namespace) -> int:
    import re
    from datetime import timedelta

    from rmadesk.domain.shifts import local_zone, parse_moment
    from rmadesk.services.photos import export_photos

    settings = _settings(args)
    tz = local_zone(settings.timezone)
    start = parse_moment(args.start, tz)
    end = parse_moment(args.end, tz)
    if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", args.end):  # a day named is a day included
        end = parse_moment((end.astimezone(tz).date() + timedelta(days=1)).isoformat(), tz)
    store = _open_store(settings)
    written = export_photos(store, _cli_actor(args, store, settings), start, end, args.folder)
    print(
        ngettext("{count} photo written to {folder}.", "{count} photos written to {folder}.", written).format(
            count=written, folder=args.folder
        )
    )
    return 0


def _cmd_claim(args: argparse.Namespace) -> int:
    from rmadesk.domain.shifts import local_zone
    from rmadesk.services.photos import claim_packet_name, write_claim_packet

    settings = _settings(args)
    store = _open_store(settings)
    actor = _cli_actor(args, store, settings)
    out = args.out or Path.cwd() / claim_packet_name(store, actor, args.outcome)
    written = write_claim_packet(store, actor, args.outcome, out, tz=local_zone(settings.timezone))
    print(_("Claim packet: {path}").format(path=written))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from rmadesk.services.demo import create_demo_data, write_demo_sheet
    from rmadesk.store.disk import storage_problem

    settings = _settings(args)
    store = _open_store(settings)
    ids, added = create_demo_data(store, _cli_actor(args, store, settings))
    print(
        _("Demo data in {database}: {added} authorizations added, {there} already there.").format(
            database=store.name, added=added, there=len(ids) - added
        )
    )
    print(_("Demo RMA IDs (scan or type them at the bench):"))
    for rma_id in ids:
        print(f"  {rma_id}")
    sheet = args.sheet or Path.cwd() / "rmadesk-demo-sheet.pdf"
    try:
        written = write_demo_sheet(sheet, settings.bench)
    except OSError as exc:
        raise UserError(
            _("The barcode sheet cannot be written to {path}: {reason}.").format(
                path=sheet, reason=storage_problem(exc)
            )
        ) from exc
    for path in written:
        print(_("Barcode sheet: {path}").format(path=path))
    return 0


PIN_VARIABLE = "RMADESK_PIN"  # the PIN of the person running a command (the terminal asks when unset)
NEW_PIN_VARIABLE = "RMADESK_NEW_PIN"  # the PIN of the person ``user add`` adds


def _pin(given: str | None, variable: str, prompt: str, *, twice: bool = False) -> str:
    """A PIN from the environment, else typed at the terminal without echo; never from the command
    line, where every user of the computer sees it (``ps``)."""
    import getpass
    import os

    if given is not None:
        raise UserError(
            _(
                "A PIN on the command line is visible to every user of this computer. "
                "Leave it out and type it when asked, or set {variable}."
            ).format(variable=variable)
        )
    pin = os.environ.get(variable, "").strip()
    if pin:
        return pin
    if not sys.stdin.isatty():
        raise UserError(
            _("Give the PIN in {variable}, or run the command in a terminal to type it.").format(
                variable=variable
            )
        )
    try:
        pin = getpass.getpass(prompt)
        if twice and getpass.getpass(_("The same PIN again: ")) != pin:
            raise UserError(_("The two PINs differ; nothing was changed."))
    except EOFError:
        raise UserError(_("No PIN was typed; nothing was changed.")) from None
    return pin.strip()


def _cli_actor(args: argparse.Namespace, store: Store, settings: Settings) -> Actor:
    """Who runs the command: on a database with users, the person whose badge is given and whose
    PIN is typed (or in RMADESK_PIN)."""
    from rmadesk.domain.people import open_actor
    from rmadesk.services.people import has_users, sign_in

    if not has_users(store):
        return open_actor(getattr(args, "user", None) or "command line", settings.bench)
    badge = getattr(args, "badge", None)
    if not badge:
        raise UserError(_("This database has users: give your --badge to run this command."))
    pin = _pin(getattr(args, "pin", None), PIN_VARIABLE, _("PIN for {badge}: ").format(badge=badge))
    return sign_in(store, badge=badge, pin=pin, bench=settings.bench)


def _cmd_issue(args: argparse.Namespace) -> int:
    from rmadesk.services.issue import IssueRequest, issue_rma, save_slip

    settings = _settings(args)
    store = _open_store(settings)
    request = IssueRequest(
        order_id=args.order,
        sku=args.sku,
        quantity=args.qty,
        reason=args.reason,
        kind=args.kind,
        item_name=args.item,
    )
    issued = issue_rma(store, request, actor=_cli_actor(args, store, settings))
    print(issued.rma_id)
    if args.slip:
        written = save_slip(args.slip, issued.slip)
        print(_("Slip: {path}").format(path=written), file=sys.stderr)
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from rmadesk.domain.shifts import local_zone, parse_shifts
    from rmadesk.summary.cli import run_summary_command

    settings = _settings(args)
    store = _open_store(settings)
    actor = _cli_actor(args, store, settings)
    try:
        alert_share = Decimal(str(settings.alert_share))
    except InvalidOperation:
        raise UserError(
            _("The alert_share setting must be a decimal such as 0.5, not {value}.").format(
                value=repr(settings.alert_share)
            )
        ) from None
    return run_summary_command(
        store,
        actor,
        shift=args.shift,
        start=args.start,
        end=args.end,
        fmt=args.fmt,
        out_path=args.out,
        tz=local_zone(settings.timezone),
        shifts=parse_shifts(list(settings.shifts)),
        site=settings.site or settings.bench,
        table=args.table,
        alert_share=alert_share,
        alert_min_count=settings.alert_min_count,
        waiting_hours=settings.waiting_hours,
        waiting_within_days=settings.waiting_days or None,
    )


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from rmadesk.services.reconcile import write_reconciliation_csv

    settings = _settings(args)
    store = _open_store(settings)
    actor = _cli_actor(args, store, settings)
    write_reconciliation_csv(store, sys.stdout, actor, days=args.days, only_problems=args.problems)
    return 0


def _cmd_supervisor(args: argparse.Namespace) -> int:
    from rmadesk.domain.people import Permission
    from rmadesk.ui.qt_start import check_qt_can_start

    check_qt_can_start()
    from rmadesk.ui.supervisor.standalone import run_supervisor

    settings = _settings(args)
    store = _open_store(settings)
    actor = _cli_actor(args, store, settings)
    actor.require(Permission.VIEW_SUMMARY)
    store.dispose()
    return run_supervisor(settings, actor)


def _cmd_user(args: argparse.Namespace) -> int:
    from rmadesk.domain.people import open_actor
    from rmadesk.services.people import add_user, has_users, list_users

    settings = _settings(args)
    store = _open_store(settings)
    if args.user_action == "list":
        for user in list_users(store, _cli_actor(args, store, settings)):
            state = _("active") if user.active else _("inactive")
            print(f"{user.name}\t{user.role.value}\t{user.badge}\t{state}")
        return 0
    actor = (
        _cli_actor(args, store, settings) if has_users(store) else open_actor("command line", settings.bench)
    )
    new_pin = _pin(
        args.new_pin,
        NEW_PIN_VARIABLE,
        _("PIN for {name} (4 to 8 digits): ").format(name=args.name),
        twice=True,
    )
    added = add_user(store, name=args.name, role=args.role, badge=args.new_badge, pin=new_pin, actor=actor)
    print(
        _("Added {name} ({role}), badge {badge}.").format(
            name=added.name, role=added.role.value, badge=added.badge
        )
    )
    return 0


def _cmd_reverse(args: argparse.Namespace) -> int:
    from rmadesk.services.reversal import reverse_outcome

    settings = _settings(args)
    store = _open_store(settings)
    done = reverse_outcome(store, args.outcome, reason=args.reason, actor=_cli_actor(args, store, settings))
    print(
        _("Reversed: {id} unit {seq} is undecided again (reversal {reversal}).").format(
            id=done.display_id, seq=done.unit_seq, reversal=done.reversal_uid
        )
    )
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from rmadesk.services.audit import describe_break, verify_audit

    settings = _settings(args)
    store = _open_store(settings)
    report = verify_audit(store, _cli_actor(args, store, settings))
    older = (
        ngettext(
            " {count} event from before the chain existed is not linked.",
            " {count} events from before the chain existed are not linked.",
            report.unchained,
        ).format(count=report.unchained)
        if report.unchained
        else ""
    )
    if not report.breaks:
        print(
            _("The audit trail holds: {events} events in {chains} chains checked.").format(
                events=report.checked, chains=report.chains
            )
            + older
        )
        return 0
    print(_("The audit trail is broken:"), file=sys.stderr)
    for found in report.breaks:
        print("  " + describe_break(found), file=sys.stderr)
    return 1


def _cmd_db(args: argparse.Namespace) -> int:
    from rmadesk.store.engine import resolve_database_url
    from rmadesk.store.schema import current_revision, ensure_schema, head_revision
    from rmadesk.store.uow import Store

    settings = _settings(args)
    store = Store(resolve_database_url(settings.database_url or None))
    if args.action == "roles":
        return _db_roles(args, store, settings)
    if args.action == "status":
        current = current_revision(store.engine) or _("(empty)")
        print(
            _("{database}: schema {revision}; this RMA Desk: {head}").format(
                database=store.name, revision=current, head=head_revision()
            )
        )
        return 0
    try:
        done = ensure_schema(store.engine, allow_upgrade=False)  # an empty database is created
    except SchemaMismatch as exc:
        if not exc.older:
            raise
        from sqlalchemy import inspect

        from rmadesk.domain.people import open_actor
        from rmadesk.services.upgrade import upgrade_schema

        with_users = inspect(store.engine).has_table("app_user")
        actor = (
            _cli_actor(args, store, settings) if with_users else open_actor("command line", settings.bench)
        )
        upgrade_schema(store, actor)
        done = "upgraded"
    state = _SCHEMA_STATES.get(done)
    print(
        _("{database}: schema {state} (revision {head}).").format(
            database=store.name, state=_(state) if state else done, head=head_revision()
        )
    )
    return 0


def _db_roles(args: argparse.Namespace, store: Store, settings: Settings) -> int:
    from rmadesk.domain.people import Permission
    from rmadesk.services.access import authorize
    from rmadesk.store.roles import DEFAULT_ROLE, grant_application_role

    ensure_current = _open_store(settings)  # the schema must be this version's
    authorize(ensure_current, _cli_actor(args, ensure_current, settings), Permission.UPGRADE_SCHEMA)
    ensure_current.dispose()
    done = grant_application_role(
        store.engine,
        store.url,
        role=args.role_name or DEFAULT_ROLE,
        host=args.server_host,
        new_password=args.new_password,
    )
    if done.created:
        print(_("Created the role {role} with a new password.").format(role=done.role), file=sys.stderr)
    elif done.password_set:
        print(_("The role {role} has a new password.").format(role=done.role), file=sys.stderr)
    else:
        print(
            _("The role {role}'s rights are up to date; its password is unchanged.").format(role=done.role),
            file=sys.stderr,
        )
    print(
        _("Benches use this URL (database_url in their settings; keep it as secret as a password):"),
        file=sys.stderr,
    )
    print(done.url)
    return 0


def _cmd_desktop(args: argparse.Namespace) -> int:
    from rmadesk.ui import desktop_entry

    if args.action == "uninstall":
        removed = desktop_entry.uninstall(args.prefix)
        print(_("Removed {count} files of the RMA Desk desktop entry.").format(count=len(removed)))
        return 0
    written = desktop_entry.install(args.prefix, args.exec_path)
    print(_("Desktop entry: {path}").format(path=written[0]))
    print(_("AppStream metainfo: {path}").format(path=written[1]))
    print(
        _("Icons: scalable and {count} sizes under {folder}").format(
            count=len(desktop_entry.ICON_SIZES), folder=written[2].parents[2]
        )
    )
    return 0


def _cmd_policy(args: argparse.Namespace) -> int:
    from rmadesk.domain.policy import available_policies, load_policy

    if args.action == "list":
        for name in available_policies():
            print(name)
        return 0
    source = args.file or _settings(args).policy
    policy = load_policy(source)
    print(
        _("{source}: valid policy '{name}' with terms for {markets}.").format(
            source=source, name=policy.name, markets=", ".join(sorted(policy.markets))
        )
    )
    return 0


COMMANDS = {
    "import": _cmd_import,
    "export": _cmd_export,
    "demo": _cmd_demo,
    "issue": _cmd_issue,
    "summary": _cmd_summary,
    "reconcile": _cmd_reconcile,
    "claim": _cmd_claim,
    "user": _cmd_user,
    "reverse": _cmd_reverse,
    "supervisor": _cmd_supervisor,
    "audit": _cmd_audit,
    "db": _cmd_db,
    "desktop": _cmd_desktop,
    "policy": _cmd_policy,
}


def _option(argv: Sequence[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in argv, before argparse reads it."""
    for index, word in enumerate(argv):
        if word == name and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith(name + "="):
            return word[len(name) + 1 :]
    return None


def _choose_language(argv: Sequence[str]) -> None:
    """The display language, chosen before any text is made (the help included): --language, else
    the settings file's, else this computer's."""
    from rmadesk.text.formatting import choose_display
    from rmadesk.text.i18n import choose_language

    given = _option(argv, "--settings")
    try:
        settings: Settings | None = load_settings(Path(given) if given else None)
    except UserError:
        settings = None  # the command itself says what is wrong with the file
    wanted = _option(argv, "--language")
    language = choose_language(wanted if wanted is not None else settings.language if settings else "")
    try:
        choose_display(language, settings.digits if settings else "", settings.calendar if settings else "")
    except UserError:
        choose_display(language, "", "")  # a wrong setting: the usual display (the GUI says why)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand, or the bench when none is given. Errors for people, not tracebacks."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _choose_language(argv)
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command is None:
            from rmadesk.app import run_gui

            return run_gui(
                _settings(args),
                inspector=args.inspector,
                check_start=args.check_start,
                language_given=_option(argv, "--language") is not None,
            )
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"rmadesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # what the command writes could not be written (stdout on a full disk...)
        from rmadesk.store.disk import storage_problem

        where = exc.filename or _("The output")
        print(
            "rmadesk: "
            + _("{what} cannot be written: {reason}.").format(what=where, reason=storage_problem(exc)),
            file=sys.stderr,
        )
        return 2


def gui_main() -> int:
    return main(sys.argv[1:])
