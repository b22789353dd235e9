"""web.tls: the self-signed LAN certificate, and one's own --cert/--key checked before use."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backrelief.web.tls import TLSFileError, check_pair, fingerprint, self_signed

LAN_IP = "192.168.1.20"


def _sans(path: Path) -> tuple[set[str], set[str]]:
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return ({str(ip) for ip in san.get_values_for_type(x509.IPAddress)},
            set(san.get_values_for_type(x509.DNSName)))


def test_self_signed_names_the_lan_address_and_host_and_keeps_the_key_private(tmp_path: Path) -> None:
    files = self_signed(tmp_path, LAN_IP, ("laptop", "laptop.local"))
    assert files.created
    ips, names = _sans(files.cert_path)
    assert ips == {LAN_IP, "127.0.0.1"}
    assert names == {"laptop", "laptop.local", "localhost"}
    assert stat.S_IMODE(os.stat(files.key_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(files.cert_path.parent).st_mode) == 0o700
    certificate = x509.load_pem_x509_certificate(files.cert_path.read_bytes())
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert dt.timedelta(days=364) < lifetime < dt.timedelta(days=366)
    basic = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert basic.ca is False
    assert files.fingerprint == fingerprint(certificate)
    assert len(files.fingerprint.split(":")) == 32
    # The pair it wrote passes the same check as one's own files.
    assert check_pair(files.cert_path, files.key_path).fingerprint == files.fingerprint


def test_the_certificate_is_reused_while_valid_and_made_again_when_it_is_not(tmp_path: Path) -> None:
    now = dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)
    first = self_signed(tmp_path, LAN_IP, ("laptop",), now=now)
    again = self_signed(tmp_path, LAN_IP, ("laptop",), now=now + dt.timedelta(days=200))
    assert not again.created and again.fingerprint == first.fingerprint
    # Under 30 days left: a new one, so a phone is never shown an expired certificate.
    renewed = self_signed(tmp_path, LAN_IP, ("laptop",), now=now + dt.timedelta(days=340))
    assert renewed.created and renewed.fingerprint != first.fingerprint
    # A new LAN address (DHCP moved us): the old certificate would not match it.
    moved = self_signed(tmp_path, "192.168.1.77", ("laptop",), now=now + dt.timedelta(days=341))
    assert moved.created and "192.168.1.77" in _sans(moved.cert_path)[0]


def test_a_damaged_stored_certificate_is_replaced(tmp_path: Path) -> None:
    first = self_signed(tmp_path, LAN_IP)
    first.cert_path.write_text("not a certificate")
    second = self_signed(tmp_path, LAN_IP)
    assert second.created
    assert check_pair(second.cert_path, second.key_path).fingerprint == second.fingerprint


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    files = self_signed(tmp_path / "mine", "10.0.0.5")
    return files.cert_path, files.key_path


def _problem(cert: Path, key: Path) -> TLSFileError:
    with pytest.raises(TLSFileError) as caught:
        check_pair(cert, key)
    return caught.value


def test_missing_files_name_their_option(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    error = _problem(tmp_path / "nope.pem", key)
    assert error.option == "--cert" and "does not exist" in error.problem
    error = _problem(cert, tmp_path / "nope.pem")
    assert error.option == "--key" and "does not exist" in error.problem
    error = _problem(tmp_path, key)
    assert error.option == "--cert" and "not a file" in error.problem


def test_unreadable_files(pair: tuple[Path, Path]) -> None:
    cert, key = pair
    if os.geteuid() != 0:
        key.chmod(0)
        error = _problem(cert, key)
        assert error.option == "--key" and "cannot read" in error.problem
    # A file whose read fails even for root (the tests run as root in CI).
    unreadable = Path("/proc/self/mem")
    error = _problem(unreadable, key)
    assert error.option == "--cert" and "cannot read" in error.problem
    error = _problem(cert, unreadable)
    assert error.option == "--key" and "cannot read" in error.problem


def test_not_pem(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    der = tmp_path / "cert.der"
    der.write_bytes(x509.load_pem_x509_certificate(cert.read_bytes())
                    .public_bytes(serialization.Encoding.DER))
    assert _problem(der, key).option == "--cert"
    garbled = tmp_path / "garbled.pem"
    garbled.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    assert "not a valid PEM certificate" in _problem(garbled, key).problem
    assert _problem(cert, cert).option == "--key"  # the certificate given as the key


def test_a_key_of_another_certificate_is_refused(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, _ = pair
    other = self_signed(tmp_path / "other", "10.0.0.6")
    error = _problem(cert, other.key_path)
    assert error.option == "--key" and "does not match" in error.problem


def test_an_encrypted_key_is_refused_with_a_reason(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    loaded = serialization.load_pem_private_key(key.read_bytes(), password=None)
    locked = tmp_path / "locked.pem"
    locked.write_bytes(loaded.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret passphrase")))
    error = _problem(cert, locked)
    assert error.option == "--key" and "passphrase" in error.problem


def test_an_ipv6_lan_address_is_a_san_too(tmp_path: Path) -> None:
    files = self_signed(tmp_path, "fd00::20")
    assert ipaddress.ip_address("fd00::20").compressed in _sans(files.cert_path)[0]
