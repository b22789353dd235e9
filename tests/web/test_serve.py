"""`backrelief serve`: beyond loopback only with accounts, a clear refusal otherwise, and the
time-scale setting. (More of serve: tests/cli/test_serve.py, tests/web/test_lan.py.)"""

from __future__ import annotations

import socket

import pytest

from backrelief.cli.serve import is_loopback
from backrelief.web.config import ConfigError, WebConfig
from tests.conftest import RunCli


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "example.com", "::", "10.0.0.1"])
def test_non_loopback_hosts_without_accounts_are_refused_with_exit_2(run_cli: RunCli,
                                                                     host: str) -> None:
    result = run_cli("serve", "--host", host, "--port", "8765",
                     env={"BACKRELIEF_ACCOUNTS": "off"})
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("backrelief: error: --host: ")
    assert "BACKRELIEF_ACCOUNTS=off" in lines[0] and "127.0.0.1" in lines[0]


def test_a_port_in_use_is_refused(run_cli: RunCli) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.returncode == 2
    assert "--port" in result.stderr and "in use" in result.stderr


def test_bad_time_scale_is_refused(run_cli: RunCli) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("serve", "--port", str(port), env={"BACKRELIEF_TEST_TIME_SCALE": "fast"})
    assert result.returncode == 2
    assert "BACKRELIEF_TEST_TIME_SCALE: not a number" in result.stderr


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_bad_ports(run_cli: RunCli, port: str) -> None:
    assert run_cli("serve", "--port", port).returncode == 2


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("LOCALHOST", True),
    ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False), ("1.2.3.4", False),
    ("localhost.example.com", False), ("", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_time_scale_only_from_the_environment_variable() -> None:
    assert WebConfig.from_env({}).time_scale == 1.0
    assert WebConfig.from_env({"BACKRELIEF_TEST_TIME_SCALE": ""}).time_scale == 1.0
    assert WebConfig.from_env({"BACKRELIEF_TEST_TIME_SCALE": "30"}).time_scale == 30.0
    for bad in ("fast", "0", "-2", "5000"):
        with pytest.raises(ConfigError) as caught:
            WebConfig.from_env({"BACKRELIEF_TEST_TIME_SCALE": bad})
        assert caught.value.variable == "BACKRELIEF_TEST_TIME_SCALE"


def test_help_imports_no_web_code(run_cli: RunCli) -> None:
    import subprocess
    import sys

    code = ("import sys; from backrelief.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in sys.modules if m.startswith(('fastapi', 'uvicorn', 'starlette', "
            "'backrelief.web'))]\nprint(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
