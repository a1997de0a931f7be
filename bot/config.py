"""Settings, read once from the environment (and a local ``.env``), validated, then frozen."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
OPERATOR_PATHS = ("/metrics", "/healthz")  # served beside the webhook by python -m bot serve
# Telegram's rule for setWebhook's secret_token, echoed in X-Telegram-Bot-Api-Secret-Token.
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """Everything configurable about one deployment."""

    model_config = SettingsConfigDict(env_file=".env", frozen=True, extra="ignore")

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///securebase.db"
    telegram_api_url: str = "https://api.telegram.org"
    content_dir: Path = PROJECT_ROOT / "content"
    locales_dir: Path = PROJECT_ROOT / "locales"
    # An agency's own folder (content/ and locales/ inside) layered over the shipped ones.
    agency_dir: Path | None = None
    # Catalogs that passed the start-up check, compiled (bot/packs/catalog_cache.py); empty: none.
    cache_dir: Path | None = PROJECT_ROOT / ".cache"
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    retention_days: int = Field(default=365, ge=1, le=36500)
    # Telegram's bulk limit for a free bot; paid broadcasts allow more.
    send_rate_per_second: float = Field(default=30.0, gt=0, le=1000)
    # A delivery still "sending" this long after its claim is recovered as ambiguous.
    delivery_lease_seconds: float = Field(default=300.0, ge=5)
    dev_chat_id: int | None = None
    # The bot's @username without the @, for invite links printed by the command line.
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
    log_level: str = "INFO"
    # Webhook mode (python -m bot serve): the public HTTPS URL, its shared secret, the local port.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    port: int = Field(default=8080, ge=1, le=65535)
    # Updates handled at once, across carers; one carer's own updates always wait their turn.
    concurrent_updates: int = Field(default=16, ge=1, le=256)
    # Copies of the sentence model that may judge at once (default: one per core). Texts
    # judged together use one core each; a text judged alone shares its sentences out.
    model_instances: int = Field(default_factory=lambda: min(os.cpu_count() or 1, 64), ge=1, le=64)

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _no_cache_when_empty(cls, value: object) -> object:
        """CACHE_DIR= (empty) turns the cache off: every start checks the catalogs."""
        return None if value == "" else value

    @field_validator("agency_dir")
    @classmethod
    def _agency_folder(cls, value: Path | None) -> Path | None:
        """Refuse a path that is not an agency folder, rather than silently using the defaults."""
        if value is None or str(value) == "":
            return None
        if not (value / "content").is_dir() and not (value / "locales").is_dir():
            raise ValueError(f"{value} holds neither content/ nor locales/ (see docs/agencies.md)")
        return value

    @property
    def agency_content(self) -> Path | None:
        """The agency's content layer, when there is one."""
        return self.agency_dir / "content" if self.agency_dir is not None else None

    @property
    def agency_locales(self) -> Path | None:
        """The agency's interface wording layer, when there is one."""
        return self.agency_dir / "locales" if self.agency_dir is not None else None

    @field_validator("telegram_api_url")
    @classmethod
    def _plain_root_url(cls, value: str) -> str:
        """Accept the Bot API root, e.g. ``http://127.0.0.1:9000``, without a trailing slash."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("TELEGRAM_API_URL must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        """Accept a level name in any case, e.g. ``debug``, as people type it in a .env file."""
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)} (any case), not {value!r}")
        return level

    @field_validator("webhook_url")
    @classmethod
    def _https_webhook(cls, value: str | None) -> str | None:
        """Telegram only calls HTTPS webhooks; TLS ends at the load balancer, not here."""
        if not value:  # unset, or set to nothing
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(
                "must be an https:// URL with a host, e.g. https://bot.example.org/hook"
            )
        if parts.path in OPERATOR_PATHS:
            raise ValueError(f"its path may not be {parts.path}, which serves operators")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram refuses other secrets; say so at start-up rather than at setWebhook."""
        if value is None or not value.get_secret_value():  # unset, or set to nothing
            return None
        if not WEBHOOK_SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)")
        return value

    @property
    def webhook_path(self) -> str:
        """Return the path Telegram posts to, as the load balancer passes it on."""
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def api_base_url(self) -> str:
        """Return the method URL prefix PTB appends the token to."""
        return f"{self.telegram_api_url}/bot"

    @property
    def api_file_url(self) -> str:
        """Return the file URL prefix PTB appends the token to."""
        return f"{self.telegram_api_url}/file/bot"


def describe_invalid(error: ValidationError) -> str:
    """Name each invalid setting and why, without echoing values that may be secrets."""
    return "\n".join(
        f"{'.'.join(map(str, issue['loc'])).upper()}: {issue['msg'].removeprefix('Value error, ')}"
        for issue in error.errors(include_input=False, include_url=False)
    )
