"""`decree review`: serve the review site. The main CLI wires it with `register(app)`."""
from __future__ import annotations

import getpass
import os
import secrets
from pathlib import Path

import typer

from pipeline.dataset.tables import REVIEW_THRESHOLD


def serve(home: Path, host: str = "127.0.0.1", port: int = 8765, threshold: float = REVIEW_THRESHOLD,
          who: str | None = None, echo=print) -> None:
    import uvicorn

    from pipeline.review.app import LOOPBACK_HOSTS, create_app, is_loopback

    who = who or os.environ.get("DECREE_REVIEWER") or getpass.getuser() or "maintainer"
    loopback = is_loopback(host)
    # Beyond the loopback interface anyone on the network could reach the site: require a token.
    token = None if loopback else (os.environ.get("DECREE_REVIEW_TOKEN") or secrets.token_urlsafe(24))
    allowed = tuple(LOOPBACK_HOSTS) if loopback else None
    app = create_app(home, threshold=threshold, who=who, token=token, allowed_hosts=allowed)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown if host not in ('0.0.0.0', '::') else '<this-machine>'}:{port}/queue"
    echo(f"decree review: {Path(home).resolve()} · threshold {threshold} · reviewer {who}")
    if token:
        echo(f"open {url}?token={token}")
        echo("(the token is required from every client; it is kept in a cookie after the first visit)")
    else:
        echo(f"open {url}")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False, server_header=False)


def register(app: typer.Typer) -> None:
    """Add `decree review` to the main CLI."""

    @app.command()
    def review(
        home: Path = typer.Option(Path("."), "--home", help="The folder holding raw_docs/ and extracted/."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind; anything but the loopback needs the printed token."),
        port: int = typer.Option(8765, "--port", help="Port to listen on."),
        threshold: float = typer.Option(REVIEW_THRESHOLD, "--threshold", help="Review extractions below this confidence."),
        who: str = typer.Option(None, "--who", help="Name recorded with each correction (default: $DECREE_REVIEWER or the login name)."),
    ) -> None:
        """Serve the review site: the low-confidence queue, documents, dashboard, corrections."""
        serve(home, host, port, threshold, who, echo=typer.echo)
