"""`backrelief serve` beyond loopback: accounts forced on, every bad option one line and exit 2,
and a real HTTPS server whose certificate matches the fingerprint it printed."""

from __future__ import annotations

import hashlib
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from backrelief.web.tls import self_signed
from tests.conftest import RunCli
from tests.store.conftest import fresh_pg_schema, postgres_server_url  # noqa: F401 (fixtures)
from tests.web.test_lan import Serve, free_port, get, start_serve, this_lan_ip, wait_until_up


def _one_error_line(result: subprocess.CompletedProcess[str], field: str) -> str:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"backrelief: error: {field}: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("args", [["--host", "0.0.0.0"], ["--lan"], ["--host", "::"]])
def test_accounts_forced_off_beyond_loopback_is_refused(run_cli: RunCli, args: list[str]) -> None:
    result = run_cli("serve", *args, "--port", "8765", env={"BACKRELIEF_ACCOUNTS": "off"})
    line = _one_error_line(result, args[0])
    assert "BACKRELIEF_ACCOUNTS=off" in line and "anyone on the network" in line


def test_a_public_name_behind_a_proxy_without_accounts_is_refused(run_cli: RunCli) -> None:
    result = run_cli("serve", "--port", "8765", env={"BACKRELIEF_ACCOUNTS": "off",
                                                     "BACKRELIEF_PUBLIC_HOST": "back.example.org"})
    assert "anyone on the network" in _one_error_line(result, "BACKRELIEF_PUBLIC_HOST")


def test_lan_and_host_together_are_refused(run_cli: RunCli) -> None:
    _one_error_line(run_cli("serve", "--lan", "--host", "0.0.0.0"), "--host")


def test_an_address_of_another_computer_is_refused(run_cli: RunCli) -> None:
    line = _one_error_line(run_cli("serve", "--host", "10.254.254.254"), "--host")
    assert "not an address of this computer" in line


def test_an_unresolvable_name_is_refused(run_cli: RunCli) -> None:
    line = _one_error_line(run_cli("serve", "--host", "no-such-host.invalid"), "--host")
    assert "can resolve" in line


def test_tls_with_own_files_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    files = self_signed(tmp_path, "127.0.0.1")
    line = _one_error_line(run_cli("serve", "--tls", "--cert", str(files.cert_path), "--key",
                                   str(files.key_path)), "--tls")
    assert "either --tls or --cert" in line


def test_cert_and_key_come_together(run_cli: RunCli, tmp_path: Path) -> None:
    files = self_signed(tmp_path, "127.0.0.1")
    _one_error_line(run_cli("serve", "--cert", str(files.cert_path)), "--key")
    _one_error_line(run_cli("serve", "--key", str(files.key_path)), "--cert")


def test_bad_tls_files_are_one_line_naming_the_option(run_cli: RunCli, tmp_path: Path) -> None:
    mine = self_signed(tmp_path / "mine", "127.0.0.1")
    other = self_signed(tmp_path / "other", "127.0.0.1")
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("hello\n")
    cases = [
        (["--cert", str(tmp_path / "missing.pem"), "--key", str(mine.key_path)], "--cert",
         "does not exist"),
        (["--cert", str(mine.cert_path), "--key", str(tmp_path / "missing.pem")], "--key",
         "does not exist"),
        (["--cert", "/proc/self/mem", "--key", str(mine.key_path)], "--cert", "cannot read"),
        (["--cert", str(not_pem), "--key", str(mine.key_path)], "--cert", "not a PEM"),
        (["--cert", str(mine.cert_path), "--key", str(not_pem)], "--key", "not a PEM"),
        (["--cert", str(mine.cert_path), "--key", str(other.key_path)], "--key", "does not match"),
    ]
    for args, field, problem in cases:
        assert problem in _one_error_line(run_cli("serve", *args), field), args


@pytest.mark.parametrize("workers", ["0", "33", "two"])
def test_bad_worker_counts(run_cli: RunCli, workers: str) -> None:
    assert run_cli("serve", "--workers", workers).returncode == 2


def test_several_workers_on_sqlite_are_refused(run_cli: RunCli, data_dir: Path) -> None:
    line = _one_error_line(run_cli("serve", "--workers", "2"), "--workers")
    assert "PostgreSQL" in line


def _printed_fingerprint(serve: Serve) -> str:
    heading = serve.wait_for("fingerprint")
    assert "check that the phone shows the same" in heading
    index = serve.lines.index(heading)
    deadline = time.monotonic() + 10
    while len(serve.lines) < index + 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    first, second = (line.strip() for line in serve.lines[index + 1:index + 3])
    assert max(len(line) for line in serve.lines[index:index + 3]) <= 80
    return f"{first}:{second}"


def _served_fingerprint(host: str, port: int) -> str:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as wrapped:
        der = wrapped.getpeercert(binary_form=True)
    assert der is not None
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def test_tls_on_every_address_serves_the_certificate_it_printed(data_dir: Path) -> None:
    lan_ip = this_lan_ip()
    port = free_port()
    serve = start_serve(["--host", "0.0.0.0", "--port", str(port), "--tls"],
                        {"BACKRELIEF_DATA_DIR": str(data_dir)})
    try:
        assert serve.wait_for("running at") .split()[4] == f"https://{lan_ip}:{port}/"
        printed = _printed_fingerprint(serve)
        wait_until_up(lan_ip, port, tls=True)
        assert _served_fingerprint(lan_ip, port) == printed
        assert (data_dir / "tls" / "lan-key.pem").stat().st_mode & 0o077 == 0
        # The LAN address and this host's name are served; any other name is not.
        assert get(lan_ip, port, "/healthz", {"Host": f"{lan_ip}:{port}"}, tls=True)[0] == 200
        assert get(lan_ip, port, "/healthz", {"Host": "evil.example"}, tls=True)[0] == 400
        assert get("127.0.0.1", port, "/healthz", {"Host": "localhost"}, tls=True)[0] == 200
    finally:
        serve.stop()
    # Started again, it reuses the certificate: the phone that accepted it is not asked again.
    port = free_port()
    serve = start_serve(["--host", "0.0.0.0", "--port", str(port), "--tls"],
                        {"BACKRELIEF_DATA_DIR": str(data_dir)})
    try:
        assert _printed_fingerprint(serve) == printed
    finally:
        serve.stop()


def test_own_certificate_is_served(data_dir: Path, tmp_path: Path) -> None:
    files = self_signed(tmp_path, "127.0.0.1")
    port = free_port()
    serve = start_serve(["--port", str(port), "--cert", str(files.cert_path), "--key",
                         str(files.key_path)], {"BACKRELIEF_DATA_DIR": str(data_dir)})
    try:
        assert f"https://127.0.0.1:{port}/" in serve.wait_for("running at")
        wait_until_up("127.0.0.1", port, tls=True)
        assert _served_fingerprint("127.0.0.1", port) == files.fingerprint
    finally:
        serve.stop()


def test_db_current_and_upgrade(run_cli: RunCli) -> None:
    from backrelief.store.migrate import SCHEMA_REVISION

    before = run_cli("db", "current")
    assert before.returncode == 0
    assert "(empty: no tables yet)" in before.stdout and "run `backrelief db upgrade`" in before.stdout
    upgraded = run_cli("db", "upgrade")
    assert upgraded.returncode == 0 and f"-> {SCHEMA_REVISION}" in upgraded.stdout
    assert "already at" in run_cli("db", "upgrade").stdout
    after = run_cli("db", "current")
    assert f"revision: {SCHEMA_REVISION}" in after.stdout and "(up to date)" in after.stdout


def test_db_commands_name_a_bad_database_setting(run_cli: RunCli) -> None:
    result = run_cli("db", "upgrade", env={"BACKRELIEF_DATABASE_URL": "nonsense"})
    _one_error_line(result, "BACKRELIEF_DATABASE_URL")


@pytest.mark.postgres
def test_db_upgrade_on_postgresql(run_cli: RunCli, fresh_pg_schema: str) -> None:  # noqa: F811
    from backrelief.store.migrate import SCHEMA_REVISION

    env = {"BACKRELIEF_DATABASE_URL": fresh_pg_schema}
    assert "(empty: no tables yet)" in run_cli("db", "current", env=env).stdout
    assert f"-> {SCHEMA_REVISION}" in run_cli("db", "upgrade", env=env).stdout
    current = run_cli("db", "current", env=env).stdout
    assert "postgresql" in current and "(up to date)" in current


@pytest.mark.parametrize("args, field", [([], "BACKRELIEF_ACCOUNTS"), (["--lan"], "--lan")])
def test_an_accounts_value_that_is_neither_on_nor_off_is_named(run_cli: RunCli, args: list[str],
                                                                field: str) -> None:
    result = run_cli("serve", *args, "--port", "8765", env={"BACKRELIEF_ACCOUNTS": "0"})
    assert "must be on or off" in _one_error_line(result, field)
