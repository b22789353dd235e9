"""Serving beyond loopback: the LAN address, the Host check for the served names, and proxy
headers believed only from the proxies configured. Real `backrelief serve` processes where
the network is part of the behaviour (uvicorn's proxy-header handling, TLS)."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from backrelief.web.config import ConfigError, WebConfig, allowed_hosts_from_env
from backrelief.web.lan import NoLanAddress, host_names, lan_address, usable_lan_ip
from tests.web.conftest import TestClient

# --- helpers shared with the other tests that start real servers (test_workers, test_lan_pairing)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now, on ``host``."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def this_lan_ip() -> str:
    """This machine's LAN address, or skip where there is none (the tests need a network)."""
    try:
        return lan_address()
    except NoLanAddress:  # pragma: no cover - every CI machine has one
        pytest.skip("this machine has no LAN address")


@dataclass
class Serve:
    """A running `backrelief serve` and the lines it printed so far."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The first printed line containing ``text`` (fails if the server exits first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.process.poll() is not None and not any(text in line for line in self.lines):
                time.sleep(0.2)  # let the reader thread drain the pipe
                raise AssertionError(f"serve exited {self.process.returncode}:\n"
                                     + "\n".join(self.lines))
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} in 30 s:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_serve(args: list[str], env: dict[str, str], ready: str = "running at") -> Serve:
    """Start `backrelief serve ARGS` with ``env`` on top of ours; wait for its address line."""
    full_env = {**os.environ, "NO_COLOR": "1", **env}
    for name in ("BACKRELIEF_ACCOUNTS", "BACKRELIEF_TRUSTED_PROXIES", "BACKRELIEF_PUBLIC_HOST",
                 "BACKRELIEF_SERVED_HOSTS"):
        if name not in env:
            full_env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "backrelief", "serve", *args], env=full_env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    serve = Serve(process)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            serve.lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    try:
        serve.wait_for(ready)
    except BaseException:
        serve.stop()
        raise
    return serve


def wait_until_up(host: str, port: int, *, tls: bool = False, timeout: float = 30) -> None:
    """Until ``/healthz`` answers (uvicorn starts listening after serve prints its address)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(host, port, "/healthz", tls=tls)
            if status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{host}:{port} did not answer /healthz")


def get(host: str, port: int, path: str, headers: dict[str, str] | None = None, *,
        tls: bool = False) -> tuple[int, dict[str, str], str]:
    """One raw GET (no redirects followed, Host as given in ``headers``)."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # self-signed: the test compares fingerprints
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return (response.status, {k.lower(): v for k, v in response.getheaders()},
                response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


# --- the LAN address


def test_the_routed_private_address_wins() -> None:
    assert lan_address(routed=lambda _: "192.168.1.20", listed=lambda: ["10.0.0.9"]) == "192.168.1.20"


def test_without_a_route_the_host_addresses_are_listed() -> None:
    assert lan_address(routed=lambda _: None, listed=lambda: ["127.0.1.1", "10.0.0.9"]) == "10.0.0.9"
    # A public address from routing (no private network) is not a LAN address either.
    assert lan_address(routed=lambda _: "8.8.8.8", listed=lambda: ["172.16.4.2"]) == "172.16.4.2"


def test_no_lan_address_is_a_clear_error() -> None:
    with pytest.raises(NoLanAddress) as caught:
        lan_address(routed=lambda _: "127.0.0.1", listed=lambda: ["127.0.0.1", "169.254.3.3"])
    assert "same network as the phone" in str(caught.value)


@pytest.mark.parametrize(("address", "usable"), [
    ("192.168.1.20", True), ("10.1.2.3", True), ("172.20.0.5", True), ("127.0.0.1", False),
    ("169.254.1.1", False), ("0.0.0.0", False), ("8.8.8.8", False), ("fd00::1", False),
    ("not an ip", False), ("", False),
])
def test_usable_lan_ip(address: str, usable: bool) -> None:
    assert usable_lan_ip(address) is usable


def test_this_machine_has_a_lan_address_and_names() -> None:
    assert usable_lan_ip(this_lan_ip())
    names = host_names()
    assert all(name == name.lower() and name != "localhost" for name in names)


# --- which Host names are accepted


def test_only_loopback_by_default() -> None:
    assert WebConfig.from_env({}).allowed_hosts == ("127.0.0.1", "localhost", "::1", "[::1]")


def test_served_and_public_hosts_are_added() -> None:
    hosts = allowed_hosts_from_env({"BACKRELIEF_SERVED_HOSTS": "192.168.1.20,Laptop.local",
                                    "BACKRELIEF_PUBLIC_HOST": " backrelief.example.org , fd00::5"})
    assert hosts[-4:] == ("192.168.1.20", "laptop.local", "backrelief.example.org", "[fd00::5]")


@pytest.mark.parametrize("bad", ["https://backrelief.example.org", "example.org:443",
                                 "example.org/app", "user@example.org"])
def test_a_public_host_that_is_not_a_bare_name_is_refused(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        WebConfig.from_env({"BACKRELIEF_PUBLIC_HOST": bad})
    assert caught.value.variable == "BACKRELIEF_PUBLIC_HOST"


def test_trusted_proxies_are_explicit_addresses_or_networks() -> None:
    assert WebConfig.from_env({}).trusted_proxies == ()
    config = WebConfig.from_env({"BACKRELIEF_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1"})
    assert config.trusted_proxies == ("127.0.0.1", "10.0.0.0/8", "::1")
    for bad in ("*", "proxy.local", "10.0.0.0/33"):
        with pytest.raises(ConfigError) as caught:
            WebConfig.from_env({"BACKRELIEF_TRUSTED_PROXIES": bad})
        assert caught.value.variable == "BACKRELIEF_TRUSTED_PROXIES"


def test_the_host_check_accepts_exactly_the_served_names(web_env: Path) -> None:
    from backrelief.web.app import create_app

    env = {"BACKRELIEF_SERVED_HOSTS": "192.168.1.20,laptop.local",
           "BACKRELIEF_PUBLIC_HOST": "backrelief.example.org"}
    with TestClient(create_app(WebConfig.from_env(env)), base_url="http://localhost") as client:
        for host in ("localhost", "127.0.0.1:8000", "[::1]:8000", "192.168.1.20:8000",
                     "LAPTOP.local:8000", "backrelief.example.org"):
            assert client.get("/healthz", headers={"host": host}).status_code == 200, host
        for host in ("evil.example", "192.168.1.21:8000", "laptop", "backrelief.example.org.evil",
                     "192.168.1.20.nip.io", "192.168.1.20:80x", ""):
            response = client.get("/healthz", headers={"host": host})
            assert response.status_code == 400, host
            assert "does not answer to that name" in response.text


# --- proxy headers, through uvicorn in a real server process


@pytest.fixture
def proxy_env(data_dir: Path) -> dict[str, str]:
    return {"BACKRELIEF_DATA_DIR": str(data_dir)}


def _forwarded(port: int) -> tuple[int, dict[str, str], str]:
    return get("127.0.0.1", port, "/library/", {
        "Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})


def test_forwarded_headers_from_an_untrusted_client_change_nothing(proxy_env: dict[str, str]) -> None:
    port = free_port()
    serve = start_serve(["--port", str(port)], proxy_env)
    try:
        wait_until_up("127.0.0.1", port)
        status, headers, _ = _forwarded(port)
        # The slash redirect is built from the request's scheme: still http, not the claimed https.
        assert status == 307
        assert headers["location"] == f"http://127.0.0.1:{port}/library"
    finally:
        serve.stop()


def test_forwarded_headers_from_a_trusted_proxy_are_believed(proxy_env: dict[str, str]) -> None:
    port = free_port()
    serve = start_serve(["--port", str(port)],
                        {**proxy_env, "BACKRELIEF_TRUSTED_PROXIES": "127.0.0.0/8"})
    try:
        wait_until_up("127.0.0.1", port)
        status, headers, _ = _forwarded(port)
        assert status == 307
        assert headers["location"] == f"https://127.0.0.1:{port}/library"
    finally:
        serve.stop()


def test_a_trusted_list_that_leaves_our_client_out_changes_nothing(proxy_env: dict[str, str]) -> None:
    port = free_port()
    serve = start_serve(["--port", str(port)],
                        {**proxy_env, "BACKRELIEF_TRUSTED_PROXIES": "10.9.9.9"})
    try:
        wait_until_up("127.0.0.1", port)
        assert _forwarded(port)[1]["location"].startswith("http://")
    finally:
        serve.stop()



# --- the QR code printed in the terminal


def _modules_from_terminal(text: str) -> list[list[bool]]:
    """Read segno's compact terminal drawing back into rows of dark (True) modules: each
    character is two modules, top and bottom; a full block is two light ones (the terminal's
    foreground draws light, as the quiet zone shows)."""
    halves = {"█": (False, False), " ": (True, True), "▀": (False, True), "▄": (True, False)}
    rows: list[list[bool]] = []
    for line in text.splitlines():
        pairs = [halves[char] for char in line]
        rows.append([top for top, _ in pairs])
        rows.append([bottom for _, bottom in pairs])
    return rows


def test_the_terminal_qr_code_draws_exactly_the_code_of_the_link() -> None:
    import segno

    from backrelief.web.lan import terminal_qr

    link = "https://192.168.1.20:8000/pair/" + "Xy3_" * 11
    drawn = _modules_from_terminal(terminal_qr(link))
    expected = segno.make(link, error="m", micro=False, boost_error=False)
    border = 4  # the quiet zone scanners need
    matrix = [[bool(cell) for cell in row] for row in expected.matrix_iter(border=border)]
    assert drawn[: len(matrix)] == matrix
    # An odd number of module rows leaves one half-row of terminal background below the
    # quiet zone, nothing else.
    assert len(drawn) - len(matrix) in (0, 1)
    assert all(background for row in drawn[len(matrix):] for background in row)
    # Error correction M, and it fits an 80-column terminal.
    assert expected.designator.endswith("-M") and len(matrix[0]) <= 80
