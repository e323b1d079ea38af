"""Run deploy/nginx/newsdesk.conf as it is, on this machine, as a non-root nginx.

The production file marks its machine-specific lines with a trailing `# @name` comment
(addresses, ports, paths, TLS). `render()` swaps exactly those lines and leaves the caching,
purging and proxying directives as written; `NginxProcess` wraps the result in a main
configuration (the purge module, pid and temporary paths in a private directory) and runs
`nginx -p <dir> -c <conf> -g 'daemon off;'`. Used by `make bench` and by
tests/test_nginx_proxy_cache.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_CONF = ROOT / "deploy" / "nginx" / "newsdesk.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
MARKED = re.compile(r"^(?P<indent>\s*)(?P<directive>.*?)\s*#\s*@(?P<name>[a-z0-9-]+)\s*$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Site:
    """What this machine puts in the marked lines."""

    upstreams: list[str]  # "127.0.0.1:8001"
    port: int  # the public server (plain http here: TLS lines are dropped)
    purge_port: int  # the plain-http server that takes PURGE from the app hosts
    cache_dir: Path
    static_root: Path
    media_root: Path
    app_hosts: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    server_name: str = "127.0.0.1 localhost"
    access_log: Path | None = None


def render(site: Site, text: str | None = None) -> str:
    """The production configuration with its marked lines made to fit `site`."""
    text = PRODUCTION_CONF.read_text() if text is None else text
    replacements: dict[str, list[str]] = {
        "upstream": [f"server {address};" for address in site.upstreams],
        "cache-path": [
            f"proxy_cache_path {site.cache_dir} levels=1:2 keys_zone=newsdesk:50m max_size=1g "
            "inactive=1h use_temp_path=off;"
        ],
        "purge-listen": [f"listen 127.0.0.1:{site.purge_port};"],
        "public-listen": [f"listen 127.0.0.1:{site.port} reuseport backlog=4096;"],
        "ipv6": [],
        "tls": [],
        "server-name": [f"server_name {site.server_name};"],
        "access-log": [f"access_log {site.access_log};" if site.access_log else "access_log off;"],
        "static-root": [f"alias {site.static_root}/;"],
        "media-root": [f"alias {site.media_root}/;"],
        "purge-from": [f"allow {host};" for host in site.app_hosts],
    }
    out: list[str] = []
    done: set[str] = set()
    for line in text.splitlines():
        match = MARKED.match(line)
        if match is None:
            out.append(line)
            continue
        name = match["name"]
        if name not in replacements:
            raise ValueError(f"{PRODUCTION_CONF.name}: unknown marker @{name}")
        if name in ("upstream", "purge-from") and name in done:
            continue  # every line of the list is written at the first one
        done.add(name)
        out.extend(match["indent"] + directive for directive in replacements[name])
    return "\n".join(out) + "\n"


def main_conf(site_conf: Path, prefix: Path) -> str:
    """A main configuration for a non-root nginx whose state all lives under `prefix`."""
    # Started by root (a container), nginx would hand its workers to "nobody", who cannot
    # write the cache under `prefix`; anyone else runs it unprivileged as themselves.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}load_module {PURGE_MODULE};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
worker_processes auto;
events {{ worker_connections 4096; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site_conf};
}}
"""


class NginxProcess:
    """nginx in the foreground, with everything under `prefix`."""

    def __init__(self, prefix: Path, site_conf_text: str) -> None:
        self.prefix = prefix
        prefix.mkdir(parents=True, exist_ok=True)
        self.site_conf = prefix / "newsdesk.conf"
        self.site_conf.write_text(site_conf_text)
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(main_conf(self.site_conf, prefix))
        self.process: subprocess.Popen[bytes] | None = None

    def test_config(self) -> None:
        result = subprocess.run(
            [NGINX, "-t", "-q", "-p", str(self.prefix), "-c", str(self.conf)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{result.stderr}")

    def start(self, wait_for: str) -> None:
        """Start and wait until `wait_for` (a URL nginx answers itself) responds."""
        self.test_config()
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-c", str(self.conf), "-g", "daemon off;"],
            stdout=(self.prefix / "stdout.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.prefix / 'error.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(wait_for, timeout=1).close()
                return
            except urllib.error.HTTPError:
                return  # nginx answered
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def static_conf(root: Path, port: int) -> str:
    """The baseline: nginx serving one file as it serves any static file."""
    return f"""server {{
    listen 127.0.0.1:{port} reuseport backlog=4096;
    access_log off;
    root {root};
}}
"""
