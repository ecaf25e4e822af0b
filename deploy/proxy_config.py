"""HAProxy's configuration for Descent Lab, from the one template (deploy/haproxy.cfg.in).

    python -m deploy.proxy_config --compose        # rewrite deploy/compose/haproxy.cfg
    python -m deploy.proxy_config --local 8601 8602 --bind 127.0.0.1:8500

Two ways to name the replicas, one configuration otherwise: on loopback by port (``make
serve-class``), or found by DNS under compose's service name (every replica of service ``app``).
"""
from __future__ import annotations

import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "haproxy.cfg.in"
COMPOSE_CONFIG = HERE / "compose" / "haproxy.cfg"
COMPOSE_MAX_REPLICAS = 100  # compose's `docker compose up --scale app=N` may go this far
APP_PORT = 8501            # Streamlit's port inside a container


def replica_name(i: int) -> str:
    return f"replica-{i}"


def local_servers(ports: list[int], host: str = "127.0.0.1") -> str:
    return "\n".join(f"    server {replica_name(i)} {host}:{port} cookie {replica_name(i)}"
                     for i, port in enumerate(ports, start=1))


def dns_servers(service: str = "app", most: int = COMPOSE_MAX_REPLICAS) -> str:
    # Docker's DNS answers with every replica of the service; free slots wait for --scale.
    return (f"    server-template {replica_name('')} 1-{most} {service}:{APP_PORT} resolvers docker "
            "init-addr none\n"
            "\nresolvers docker\n"
            "    nameserver dns 127.0.0.11:53\n"
            "    hold valid 5s")


def render(bind: str, servers: str) -> str:
    text = TEMPLATE.read_text()
    for marker in ("@@BIND@@", "@@SERVERS@@"):
        if marker not in text:
            raise ValueError(f"{TEMPLATE.name} has lost its {marker} marker")
    return text.replace("@@BIND@@", bind).replace("@@SERVERS@@", servers)


def compose_config() -> str:
    return render(f"*:{APP_PORT}", dns_servers())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compose", action="store_true", help=f"write {COMPOSE_CONFIG.relative_to(HERE.parent)}")
    ap.add_argument("--local", type=int, nargs="+", metavar="PORT", help="replicas on 127.0.0.1 at these ports")
    ap.add_argument("--bind", default="127.0.0.1:8500")
    args = ap.parse_args(argv)
    if args.compose:
        COMPOSE_CONFIG.parent.mkdir(exist_ok=True)
        COMPOSE_CONFIG.write_text(compose_config())
    elif args.local:
        print(render(args.bind, local_servers(args.local)), end="")
    else:
        ap.error("say --compose or --local PORT ...")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
