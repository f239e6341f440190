"""`decree review`: serve the review site. The main CLI wires it with `register(app)`."""
from __future__ import annotations

import getpass
import os
import secrets
from pathlib import Path

import typer

from pipeline.thresholds import REVIEW_THRESHOLD


def serve(home: Path, host: str = "127.0.0.1", port: int = 8765, threshold: float = REVIEW_THRESHOLD,
          who: str | None = None, echo=print) -> None:
    import uvicorn

    from pipeline.review.app import LOOPBACK_HOSTS, create_app, is_loopback

    who = who or os.environ.get("DECREE_REVIEWER") or getpass.getuser() or "maintainer"
    loopback = is_loopback(host)
    # Beyond the loopback interface anyone on the network could reach the site: require a token.
    token = None if loopback else (os.environ.get("DECREE_REVIEW_TOKEN") or secrets.token_urlsafe(24))
    allowed = tuple(dict.fromkeys((*LOOPBACK_HOSTS, host))) if loopback else None  # 127.0.0.2 names itself too
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
        home: Path = typer.Option(Path("."), "--home", metavar="DIR", help="The folder holding raw_docs/ and extracted/."),
        host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                                 help="Interface to bind; anything but the loopback needs the printed token."),
        port: int = typer.Option(8765, "--port", min=1, max=65535, metavar="PORT", help="Port to listen on."),
        threshold: float = typer.Option(REVIEW_THRESHOLD, "--threshold", min=0, max=1, metavar="0-1",
                                        help="Review extractions below this confidence."),
        who: str = typer.Option(None, "--who", metavar="NAME", help="Name recorded with each correction (default: $DECREE_REVIEWER or the login name)."),
    ) -> None:
        """Serve the review site: the low-confidence queue, documents, dashboard, corrections."""
        from pipeline.dataset import dataset_at
        from pipeline.errors import PipelineError

        try:
            dataset_at(home).require()
        except PipelineError as exc:
            typer.echo(f"error: {exc.reason}", err=True)
            raise typer.Exit(code=1) from None
        serve(home, host, port, threshold, who, echo=typer.echo)
