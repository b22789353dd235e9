"""TLS for ``backrelief serve --tls``: a self-signed certificate, or the user's own files.

A phone only grants offline play, the screen wake lock and the service worker to a *secure
context*, which on a LAN address means HTTPS. Nobody's public certificate authority will sign
``192.168.1.20``, so ``--tls`` makes a self-signed certificate:

- ECDSA P-256 (small, fast on phones, accepted by every current browser), SHA-256 signature;
- valid for one year (:data:`VALIDITY`); made again when it has under :data:`RENEW_BEFORE`
  left, or when it does not name the current LAN address and host name (DHCP moved us);
- subject alternative names: the LAN IP, this host's names, and the loopback names, because
  browsers match only SANs, never the common name;
- kept in the data directory (``tls/``) with the key written 0600 from the start (created
  with that mode, never chmod-ed after the fact), and reused while valid so a phone that
  accepted it once is not asked again.

The browser cannot check a self-signed certificate against anyone, so ``serve`` prints its
SHA-256 fingerprint: the user compares it with what the phone shows before accepting.

``--cert/--key`` use one's own files (say, from a local CA such as mkcert). Each way they can be
wrong (missing, unreadable, not PEM, encrypted key, key not matching the certificate) raises
:class:`TLSFileError` naming the option, so ``serve`` can print one line and exit 2 before
uvicorn starts and fails with a traceback instead.

``cryptography`` is imported inside the functions: ``backrelief --help`` must stay light.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

VALIDITY = dt.timedelta(days=365)
RENEW_BEFORE = dt.timedelta(days=30)
CERT_FILENAME = "lan-cert.pem"
KEY_FILENAME = "lan-key.pem"
TLS_DIRNAME = "tls"


class TLSFileError(ValueError):
    """A certificate or key file is unusable; ``option`` names the command-line option."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")
        self.option = option
        self.problem = problem


@dataclass(frozen=True)
class TLSFiles:
    """A certificate and key pair ready for uvicorn, and the certificate's fingerprint."""

    cert_path: Path
    key_path: Path
    fingerprint: str
    created: bool = False


def fingerprint(certificate: Certificate) -> str:
    """The SHA-256 fingerprint as browsers show it: upper-case hex pairs joined by colons."""
    from cryptography.hazmat.primitives import hashes

    return ":".join(f"{byte:02X}" for byte in certificate.fingerprint(hashes.SHA256()))


def _read(option: str, path: Path) -> bytes:
    if not path.exists():
        raise TLSFileError(option, f"{path} does not exist")
    if not path.is_file():
        raise TLSFileError(option, f"{path} is not a file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TLSFileError(option, f"cannot read {path}: {exc.strerror or exc}") from None


def load_certificate(path: Path, option: str = "--cert") -> Certificate:
    """The first certificate of a PEM file, or :class:`TLSFileError` naming ``option``."""
    from cryptography import x509

    data = _read(option, path)
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise TLSFileError(option, f"{path} is not a PEM certificate (no BEGIN CERTIFICATE line)")
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise TLSFileError(option, f"{path} is not a valid PEM certificate") from None


def check_pair(cert_path: Path, key_path: Path) -> TLSFiles:
    """Check that ``cert_path`` and ``key_path`` are a readable PEM certificate and the
    unencrypted private key that belongs to it; their fingerprint if so."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    certificate = load_certificate(cert_path)
    data = _read("--key", key_path)
    if b"PRIVATE KEY-----" not in data:
        raise TLSFileError("--key", f"{key_path} is not a PEM private key (no BEGIN ... PRIVATE "
                           "KEY line)")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise TLSFileError("--key", f"{key_path} is encrypted with a passphrase; give an "
                           "unencrypted key (readable by you only)") from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise TLSFileError("--key", f"{key_path} is not a valid PEM private key ({exc})") from None
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if key.public_key().public_bytes(der, spki) != certificate.public_key().public_bytes(der, spki):
        raise TLSFileError("--key", f"{key_path} does not match the certificate {cert_path} "
                           "(it is the key of another certificate)")
    return TLSFiles(cert_path=cert_path, key_path=key_path, fingerprint=fingerprint(certificate))


def _names_covered(certificate: Certificate, ip: str, names: tuple[str, ...]) -> bool:
    from cryptography import x509

    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    ips = {str(address) for address in san.get_values_for_type(x509.IPAddress)}
    dns = {name.lower() for name in san.get_values_for_type(x509.DNSName)}
    return ip in ips and set(names) <= dns


def _still_good(cert_path: Path, key_path: Path, ip: str, names: tuple[str, ...],
                now: dt.datetime) -> TLSFiles | None:
    try:
        files = check_pair(cert_path, key_path)
        certificate = load_certificate(cert_path)
    except TLSFileError:
        return None
    if certificate.not_valid_after_utc - now < RENEW_BEFORE or certificate.not_valid_before_utc > now:
        return None
    if not _names_covered(certificate, ip, names):
        return None
    return files


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only, from the first byte on."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def self_signed(data_dir: Path, ip: str, names: tuple[str, ...] = (),
                now: dt.datetime | None = None) -> TLSFiles:
    """The self-signed certificate for ``ip`` and ``names`` in ``data_dir/tls``: the one made
    before while it is valid and covers them, else a new one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = now or dt.datetime.now(dt.UTC)
    names = tuple(dict.fromkeys([*(name.lower() for name in names), "localhost"]))
    directory = data_dir / TLS_DIRNAME
    cert_path, key_path = directory / CERT_FILENAME, directory / KEY_FILENAME
    existing = _still_good(cert_path, key_path, ip, names, now)
    if existing is not None:
        return existing

    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, ip),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "backrelief on this computer"),
    ])
    alt_names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(ip)),
                                         x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    alt_names += [x509.DNSName(name) for name in names]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # a phone's clock a little behind
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False,
                                     content_commitment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    _write_private(key_path, key_pem)
    _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
    os.chmod(cert_path, 0o644)  # a certificate is public; only the key stays private
    return TLSFiles(cert_path=cert_path, key_path=key_path, fingerprint=fingerprint(certificate),
                    created=True)
