"""The application process of one network node: the ABCI server for CometBFT and the node's REST API.

``python -m bayledger.node.abci.run --home DIR --abci-port P --api-port Q --rpc URL`` serves ABCI on
``127.0.0.1:P`` (CometBFT's ``proxy_app``) in a background event loop and the REST API (the same FastAPI app
as the embedded node, over :class:`CometNodeService`) on ``127.0.0.1:Q`` until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading
from pathlib import Path

from bayledger.node.abci.app import AbciApplication
from bayledger.node.abci.server import serve
from bayledger.node.abci.service import CometNodeService

log = logging.getLogger("bayledger.abci")


def start_abci_thread(app: AbciApplication, host: str, port: int) -> threading.Thread:
    """Serve ABCI on ``host:port`` from a daemon thread; returns once the socket listens."""
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        async def main() -> None:
            ready = asyncio.Event()
            task = asyncio.create_task(serve(app, host, port, ready))
            await ready.wait()
            started.set()
            await task

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the starter, or logged after start
            failure.append(exc)
            started.set()
            log.exception("ABCI server stopped")

    thread = threading.Thread(target=run, name="abci", daemon=True)
    thread.start()
    started.wait(30)
    if failure:
        raise RuntimeError(f"ABCI server could not start on {host}:{port}: {failure[0]}")
    return thread


def main(argv: list[str] | None = None) -> None:
    """Run the application process until interrupted."""
    import uvicorn

    from bayledger.api.app import create_app

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--abci-host", default="127.0.0.1")
    parser.add_argument("--abci-port", type=int, required=True)
    parser.add_argument("--api-host", default="127.0.0.1")
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--rpc", required=True, help="this node's CometBFT RPC URL")
    parser.add_argument("--synchronous", default="FULL", choices=["FULL", "NORMAL"])
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format='{"time":"%(asctime)s","level":"%(levelname)s","logger":"%(name)s","message":"%(message)s"}',
    )
    app = AbciApplication(args.home, synchronous=args.synchronous)
    start_abci_thread(app, args.abci_host, args.abci_port)
    service = CometNodeService(app, args.rpc)
    uvicorn.run(create_app(service), host=args.api_host, port=args.api_port, log_level=args.log_level.lower())


if __name__ == "__main__":
    main()
