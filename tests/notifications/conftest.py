"""A real SMTP server for the sender's tests (aiosmtpd on 127.0.0.1), which can be stopped and
started again on the same port, refuse chosen recipients, and answer slowly."""
from __future__ import annotations

import asyncio
import itertools
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    connection: int        # which SMTP connection (session) of the server it came by, from 1
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps what it accepts; ``refuse`` maps an address to an SMTP reply."""
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if not hasattr(session, "casework_number"):
                session.casework_number = next(self.connections)
            self.received.append(Received(session.casework_number, envelope.mail_from, list(envelope.rcpt_tos),
                                          message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [r.message["Message-ID"] for r in self.received]

    def by_id(self, message_id: str) -> EmailMessage:
        (message,) = [r.message for r in self.received if r.message["Message-ID"] == message_id]
        return message


class SmtpServer:
    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(self.inbox, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def address(self) -> dict:
        return {"host": self.host, "port": self.port, "sender": "noreply@epso.example.eu", "timeout": 5}


@pytest.fixture
def smtp():
    """An SMTP server on a free port, running (``smtp.stop()`` / ``smtp.start()`` to take it down)."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down():
    """A free port with nothing listening on it yet (``smtp_down.start()`` brings the server up)."""
    server = SmtpServer()
    yield server
    server.stop()
