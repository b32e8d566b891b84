"""Fill in deploy/nginx.conf: the listen address, the upstream nodes and where state goes.

    python deploy/render.py --upstream 127.0.0.1:8001 --upstream 127.0.0.1:8002 \\
        --state-dir /var/lib/exercise-library/nginx > nginx.conf

The template uses {{name}} placeholders because nginx's own syntax already takes `$name`.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render(
    upstreams: list[str],
    state_dir: Path,
    listen: str = "127.0.0.1:8080",
    cache_dir: Path | None = None,
    cache_valid: str = "30s",
    template: Path = TEMPLATE,
) -> str:
    """Return the nginx configuration for *upstreams* ("host:port" each).

    Paths are made absolute: nginx would otherwise read them against its compiled-in
    prefix, not the folder the caller means. The cache goes in *state_dir*/cache unless
    *cache_dir* says otherwise.
    """
    if not upstreams:
        raise ValueError("give at least one upstream node")
    state_dir = Path(state_dir).resolve()
    values = {
        "listen": listen,
        "upstream_servers": "\n".join(f"        server {node};" for node in upstreams),
        "state_dir": str(state_dir),
        "cache_dir": str(Path(cache_dir).resolve() if cache_dir else state_dir / "cache"),
        "cache_valid": cache_valid,
    }
    text = template.read_text(encoding="utf-8")
    missing = set(_PLACEHOLDER.findall(text)) - set(values)
    if missing:
        raise KeyError(f"no value for {', '.join(sorted(missing))} in {template}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the rendered configuration."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", action="append", required=True, help="host:port of a node")
    parser.add_argument("--state-dir", type=Path, required=True, help="pid, logs, temp files")
    parser.add_argument("--listen", default="127.0.0.1:8080")
    parser.add_argument("--cache-dir", type=Path, help="default: STATE_DIR/cache")
    parser.add_argument("--cache-valid", default="30s", help="nginx time, e.g. 1s, 30s, 5m")
    args = parser.parse_args(argv)
    sys.stdout.write(
        render(args.upstream, args.state_dir, args.listen, args.cache_dir, args.cache_valid)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
