"""``tacmap serve`` and the serving half of ``tacmap demo``.

One worker shares the store the command line already opened (and initialised: reference data is
loaded once, before any request). More workers each build the app from the environment through
:func:`tacmap.api.app.app_from_env`; the embedded store lets them all read, and one write at a time.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
from tacmap.api.cli import HostOpt, PortOpt, app, err, out, state
from tacmap.graph.errors import TacmapError

if TYPE_CHECKING:
    from tacmap.graph.settings import Settings

LOOPBACK = ("127.0.0.1", "localhost")
EVERY_INTERFACE = ("0.0.0.0", "::", "")


def allowed_hosts(settings: Settings, host: str) -> tuple[str, ...]:
    """The ``Host`` names to answer when anonymous reading is on and none are configured: the
    address served and the loopback names. Without this a web page the user visits could read the
    API through DNS rebinding (its own name pointed at 127.0.0.1). Serving every interface
    anonymously needs the names set (``TACMAP_ALLOWED_HOSTS``): they cannot be guessed."""
    if settings.allowed_hosts or not settings.anonymous_read:
        return settings.allowed_hosts
    if host in EVERY_INTERFACE:
        raise TacmapError(
            f"anonymous reading on every interface (--host {host or '0.0.0.0'}) needs TACMAP_ALLOWED_HOSTS: "
            "the host names clients use, comma-separated (e.g. tacmap.example.org), so that no other web "
            "site can read the API through DNS rebinding"
        )
    return tuple(dict.fromkeys([host, *LOOPBACK]))


def check_port(host: str, port: int) -> None:
    """A plain error when the address cannot be served (another program holds the port), before
    anything is loaded, instead of the server's traceback."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise TacmapError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc} (another program may be using "
                f"port {port}); choose another with --port, e.g. --port {port + 1 if port < 65535 else 8000}"
            ) from None


def _settings(ctx: typer.Context, **overrides: object) -> Settings:
    """Environment settings, with the command line's --store and --data-dir on top."""
    c = state(ctx)
    values = {"store": c.store.name, **{k: v for k, v in overrides.items() if v is not None}}
    return c.settings.model_copy(update=values)  # store: the one the command line opened (and checked)


def run(ctx: typer.Context, settings: Settings, host: str, port: int, workers: int) -> None:
    """Print where to look, then serve until interrupted."""
    import uvicorn
    from tacmap.api.app import create_app, log_config

    settings = settings.model_copy(update={"allowed_hosts": allowed_hosts(settings, host)})
    check_port(host, port)
    base = f"http://{host}:{port}"
    out.print(f"home page: {base}/", highlight=False)
    out.print(f"API docs:  {base}/docs", highlight=False)
    if workers == 1:
        application = create_app(settings, store=state(ctx).store)
        uvicorn.run(application, host=host, port=port, log_config=log_config(), access_log=False)
    else:
        os.environ.update(settings.to_env())
        uvicorn.run(
            "tacmap.api.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=log_config(),
            access_log=False,
            timeout_worker_healthcheck=120,  # a worker imports pandas, networkx, pyvis: seconds on a busy host
        )


@app.command()
def serve(
    ctx: typer.Context,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    anonymous_read: Annotated[
        bool | None,
        typer.Option(
            "--anonymous-read/--no-anonymous-read", help="Let requests without a key read (no personal data)."
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (keys: `tacmap keys create --role viewer|editor|admin`)."""
    run(ctx, _settings(ctx, anonymous_read=anonymous_read), host, port, workers)


def serve_demo(ctx: typer.Context, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Load the illustrative seed if the store is empty, make sure a local admin key exists
    (printed once, when created), and serve on loopback with anonymous reading switched on so a
    browser can open the home page and maps without a key (reads only, no personal data)."""
    from tacmap.api.audit import AuditLog, new_import_id
    from tacmap.api.auth import AuthDB, KeyStore
    from tacmap.api.roles import Role

    c = state(ctx)
    store = c.store
    settings = _settings(ctx, anonymous_read=True)
    db = AuthDB(settings.data_dir)
    if store.export().size() == 0:
        from tacmap.graph.ingest.bundle import import_bundle
        from tacmap.seed.generate import generate

        import_id = new_import_id()
        summary = import_bundle(store, generate(), stamp={"import_id": import_id})
        AuditLog(db).record(
            actor="cli",
            action="import",
            client="local",
            import_id=import_id,
            filename="seed (illustrative)",
            counts=summary.to_dict(),
        )
        out.print("loaded the illustrative seed")
    keys = KeyStore(db)
    if keys.has_active(Role.admin):
        err.print("an admin key already exists (`tacmap keys list`); anonymous visitors can read")
    else:
        info, key = keys.create(Role.admin, "local demo admin")
        AuditLog(db).record(actor="cli", action="key.create", client="local", message=f"{info.id} (admin)")
        out.print("local admin key (shown this once; paste it in the docs' Authorize box):", highlight=False)
        out.print(f"  {key}", highlight=False, soft_wrap=True)
    run(ctx, settings, host, port, 1)
